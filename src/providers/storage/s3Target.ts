/**
 * What every operation of the s3 provider needs: the client, the bucket and
 * key prefix of the base path, the capabilities, and one way to send a
 * command with interruption and error mapping.
 *
 * @since 0.1.0
 */
import type { ChecksumAlgorithm, S3Client } from "@aws-sdk/client-s3"
import { Effect } from "effect"
import { storageError } from "../../services/StorageProvider.ts"
import type { Capabilities, ObjectMetadata, StorageError } from "../../services/StorageProvider.ts"
import { s3Error } from "./s3Errors.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface S3Target {
  readonly client: S3Client
  readonly bucket: string
  /** `""`, or the base path's key prefix with a trailing "/". */
  readonly prefix: string
  readonly profile?: string | undefined
  readonly capabilities: Capabilities
  /** Streams longer than this go up in parts. */
  readonly multipartThreshold: number
  readonly multipartChunkSize: number
  /** Parts in flight per upload. */
  readonly maxConcurrency: number
  readonly checksumAlgorithm?: ChecksumAlgorithm | undefined
}

/**
 * Runs one SDK call; interrupting the fiber aborts the request.
 *
 * @since 0.1.0
 * @category requests
 */
export const send = <A>(
  target: S3Target,
  operation: string,
  key: string | undefined,
  call: (abortSignal: AbortSignal) => Promise<A>
): Effect.Effect<A, StorageError> =>
  Effect.tryPromise({
    try: call,
    catch: (cause) => s3Error(cause, { operation, key, bucket: target.bucket, profile: target.profile })
  })

/**
 * The full object key of a key relative to the base path.
 *
 * @since 0.1.0
 * @category keys
 */
export const fullKey = (target: S3Target, key: string): string => target.prefix + key

/**
 * An etag without its quotes.
 *
 * @since 0.1.0
 * @category models
 */
export const unquote = (etag: string | undefined): string | undefined =>
  etag === undefined ? undefined : etag.replace(/^(W\/)?"(.*)"$/, "$2")

/**
 * An etag as S3 wants it in a condition header.
 *
 * @since 0.1.0
 * @category models
 */
export const quote = (etag: string): string => (etag === "*" || etag.startsWith("\"") ? etag : `"${etag}"`)

/**
 * Metadata from the fields S3 returns on HEAD and GET.
 *
 * @since 0.1.0
 * @category models
 */
export const metadataOf = (key: string, output: {
  readonly ContentLength?: number | undefined
  readonly LastModified?: Date | undefined
  readonly ETag?: string | undefined
  readonly ContentType?: string | undefined
  readonly Metadata?: Record<string, string> | undefined
}): ObjectMetadata => {
  const etag = unquote(output.ETag)
  return {
    key,
    contentLength: output.ContentLength ?? 0,
    lastModified: output.LastModified ?? new Date(0),
    type: "file",
    ...(etag === undefined ? {} : { etag }),
    ...(output.ContentType === undefined ? {} : { contentType: output.ContentType }),
    ...(output.Metadata === undefined || Object.keys(output.Metadata).length === 0 ? {} : { metadata: output.Metadata })
  }
}

/**
 * Fails with `Unsupported` when `wanted` and the capability is off.
 *
 * @since 0.1.0
 * @category capabilities
 */
export const requireCapability = (
  target: S3Target,
  capability: keyof Capabilities,
  wanted: boolean,
  what: string,
  operation: string,
  key: string
): Effect.Effect<void, StorageError> =>
  wanted && !target.capabilities[capability]
    ? Effect.fail(storageError(
      "Unsupported",
      `${what} is not supported by the S3 service of bucket '${target.bucket}' (capability '${capability}' is off), so '${key}' was left alone.`,
      { operation, key }
    ))
    : Effect.void
