/**
 * The s3 storage provider: AWS S3 and S3-compatible services (MinIO, Ceph,
 * s3rver ...) through the AWS SDK v3. Config files name it `s3` with MSC's
 * options, so existing MSC config files work:
 *
 * | option | meaning (default) |
 * |---|---|
 * | `base_path` | `bucket` or `bucket/prefix`; keys live under the prefix and cannot leave it |
 * | `region_name` | the region (the SDK's default chain: `AWS_REGION`, `~/.aws/config`) |
 * | `endpoint_url` | an S3-compatible endpoint; path-style addressing is then the default |
 * | `s3` | `{addressing_style: path \| virtual \| auto}` as in botocore |
 * | `profile_name` | an AWS shared-config profile for the SDK's credentials (ignored with a `credentials_provider`) |
 * | `verify` | `false` skips TLS certificate checks (a CA bundle path is not supported yet) |
 * | `connect_timeout`, `read_timeout` | seconds (60, 60) |
 * | `max_pool_connections` | sockets per client (128) |
 * | `multipart_threshold`, `multipart_chunksize`, `max_concurrency` | streams longer than the threshold (64 MiB) go up in parts of chunksize (32 MiB), max_concurrency (8) at a time |
 * | `checksum_algorithm` | CRC32, CRC32C, SHA1, SHA256 or CRC64NVME on uploads |
 * | `request_checksum_calculation`, `response_checksum_validation` | `when_supported` or `when_required` |
 * | `io_chunksize`, `retries`, `rust_client` | accepted and ignored: they tune MSC's Python and Rust clients; retries are the profile's `retry` |
 * | `conditional_reads`, `conditional_writes` | strata extensions (true, true): say false for a service that ignores `If-Match` / `If-None-Match`, and those options fail with `Unsupported` instead of being silently ignored |
 *
 * The SDK makes one attempt per call (`maxAttempts: 1`): retries belong to
 * the profile's retry layer, which retries `Unavailable` only.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import type { Scope } from "effect"
import type { CredentialsProviderShape } from "../../services/Credentials.ts"
import type { ProviderFactory } from "../../services/ProviderRegistry.ts"
import { ConfigError } from "../../services/StorageConfig.ts"
import { StorageProvider } from "../../services/StorageProvider.ts"
import type { Capabilities, StorageProviderShape } from "../../services/StorageProvider.ts"
import { makeS3Client } from "./s3Client.ts"
import type { S3ClientOptions } from "./s3Client.ts"
import { copy, deleteObject, list } from "./s3Objects.ts"
import { put } from "./s3Put.ts"
import { getBytes, head, read } from "./s3Read.ts"
import type { S3Target } from "./s3Target.ts"
import type { S3Options } from "./s3Factory.ts"

export { factory, S3Options } from "./s3Factory.ts"

const MiB = 1024 * 1024

/**
 * @since 0.1.0
 * @category models
 */
export interface S3ProviderOptions extends Omit<S3ClientOptions, "credentials"> {
  /** `bucket` or `bucket/prefix`. */
  readonly basePath: string
  readonly credentials?: CredentialsProviderShape | undefined
  /** The profile, named in credentials errors. */
  readonly profile?: string | undefined
  readonly multipartThreshold?: number | undefined
  readonly multipartChunkSize?: number | undefined
  readonly maxConcurrency?: number | undefined
  readonly checksumAlgorithm?: S3Target["checksumAlgorithm"]
  /** `If-Match` / `If-None-Match` on reads; default true. */
  readonly conditionalReads?: boolean | undefined
  /** `If-Match` / `If-None-Match: *` on puts and `If-Match` on deletes; default true. */
  readonly conditionalWrites?: boolean | undefined
}

/** Bucket and key prefix of a base path, or a sentence saying what is wrong with it. */
const splitBasePath = (basePath: string): readonly [string, string] | string => {
  const trimmed = basePath.replace(/^\/+|\/+$/g, "")
  const slash = trimmed.indexOf("/")
  const bucket = slash === -1 ? trimmed : trimmed.slice(0, slash)
  const prefix = slash === -1 ? "" : `${trimmed.slice(slash + 1)}/`
  if (bucket === "") return `base_path '${basePath}' names no bucket (expected 'bucket' or 'bucket/prefix')`
  if (prefix.split("/").slice(0, -1).some((segment) => segment === "" || segment === "." || segment === "..")) {
    return `base_path '${basePath}' has an empty, '.' or '..' segment`
  }
  return [bucket, prefix]
}

/**
 * A provider over one bucket (and prefix). The client is destroyed when the
 * scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: S3ProviderOptions): Effect.Effect<StorageProviderShape, ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const split = splitBasePath(options.basePath)
    if (typeof split === "string") return yield* new ConfigError({ message: split })
    const [bucket, prefix] = split
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => makeS3Client(options)),
      (client) => Effect.sync(() => client.destroy())
    )
    const reads = options.conditionalReads ?? true
    const writes = options.conditionalWrites ?? true
    const capabilities: Capabilities = {
      rangeRead: true,
      conditionalRead: reads,
      conditionalWrite: writes,
      createOnly: writes,
      conditionalDelete: writes,
      userMetadata: true,
      contentType: true,
      copy: true,
      write: true
    }
    const target: S3Target = {
      client,
      bucket,
      prefix,
      profile: options.profile,
      capabilities,
      // S3 parts are 5 MiB at least (except the last).
      multipartChunkSize: Math.max(5 * MiB, options.multipartChunkSize ?? 32 * MiB),
      multipartThreshold: options.multipartThreshold ?? 64 * MiB,
      maxConcurrency: Math.max(1, options.maxConcurrency ?? 8),
      checksumAlgorithm: options.checksumAlgorithm
    }
    return {
      type: "s3",
      capabilities,
      head: (key) => head(target, key),
      read: (key, readOptions) => read(target, key, readOptions),
      getBytes: (key, readOptions) => getBytes(target, key, readOptions),
      put: (key, body, putOptions) => put(target, key, body, putOptions),
      delete: (key, deleteOptions) => deleteObject(target, key, deleteOptions),
      copy: (source, destination) => copy(target, source, destination),
      list: (listOptions) => list(target, listOptions)
    }
  })

/**
 * A `StorageProvider` over one bucket.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: S3ProviderOptions): Layer.Layer<StorageProvider, ConfigError> =>
  Layer.effect(StorageProvider, make(options))

const upper = (mode: "when_supported" | "when_required" | undefined) =>
  mode === undefined ? undefined : mode === "when_supported" ? "WHEN_SUPPORTED" as const : "WHEN_REQUIRED" as const

/**
 * Builds the provider for a profile from its decoded config-file options
 * (what the `s3` provider type's factory, in `s3Factory.ts`, loads on demand).
 * The profile's `credentials_provider` (from `ProviderContext`) signs the
 * requests; without one the SDK's default chain does (environment, shared
 * config, instance role), as in MSC.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeForProfile: ProviderFactory<S3Options>["make"] = (options, context) => {
  const refuse = (option: string, message: string) =>
    Effect.fail(new ConfigError({
      message,
      path: `profiles.${context.profile}.storage_provider.options.${option}`,
      ...(context.file === undefined ? {} : { file: context.file })
    }))
  if (typeof options.verify === "string") {
    return refuse("verify", "a CA bundle path in verify is not supported yet; use true, false, or NODE_EXTRA_CA_CERTS")
  }
  if (options.signature_version !== undefined && options.signature_version !== "s3v4") {
    return refuse("signature_version", `signature_version '${options.signature_version}' is not supported yet (only s3v4)`)
  }
  const style = options.s3?.addressing_style
  return make({
    basePath: options.base_path,
    profile: context.profile,
    credentials: context.credentials,
    region: options.region_name,
    endpoint: options.endpoint_url,
    pathStyle: style === "path" ? true : style === "virtual" ? false : undefined,
    awsProfile: options.profile_name,
    verifyTls: options.verify,
    connectTimeout: options.connect_timeout,
    readTimeout: options.read_timeout,
    maxConnections: options.max_pool_connections,
    requestChecksumCalculation: upper(options.request_checksum_calculation),
    responseChecksumValidation: upper(options.response_checksum_validation),
    multipartThreshold: options.multipart_threshold,
    multipartChunkSize: options.multipart_chunksize,
    maxConcurrency: options.max_concurrency,
    checksumAlgorithm: options.checksum_algorithm,
    conditionalReads: options.conditional_reads,
    conditionalWrites: options.conditional_writes
  }).pipe(Effect.catchTag("ConfigError", (error) => refuse("base_path", error.message)))
}
