/**
 * The Google Cloud Storage provider (`@google-cloud/storage`, JSON API),
 * config type `gcs` with MSC's options: `base_path` (`bucket[/prefix]`),
 * `project_id`, `endpoint_url` (an emulator or private endpoint),
 * `skip_signature`, `multipart_threshold`; `multipart_chunksize`,
 * `io_chunksize`, `max_concurrency`, `max_pool_connections` and
 * `rust_client` are accepted and have no effect (a streamed upload is one
 * resumable upload session sending the body as it comes).
 *
 * - **Credentials**: a profile's credentials provider gives an OAuth 2 access
 *   token (`token`, else `accessKey`), sent as a bearer token. Without one,
 *   the SDK's default chain (Application Default Credentials) on Google's
 *   endpoint, and anonymous requests on an `endpoint_url` (as for
 *   emulators). `skip_signature: true` makes every request anonymous
 *   (public buckets).
 * - **Etags are GCS generations**: they change on every write, and
 *   preconditions become GCS's own `ifGenerationMatch` (`0` for
 *   create-only) and `ifGenerationNotMatch`, atomic on the server. Reads
 *   with a precondition check it on the metadata and then read exactly
 *   that generation.
 * - **Atomic puts**: one multipart upload (bodies in memory up to
 *   `multipart_threshold`) or a resumable upload that GCS finalises only
 *   when the body is complete. A failing body abandons the session.
 * - **Errors**: 401/403 → `PermissionDenied` naming the profile; a missing
 *   bucket → `NotFound` naming it; no answer → `Unavailable`. SDK retries
 *   are off (the retry layer decides). Strata option `timeout` (seconds,
 *   default 60) limits each request's wait for an answer; a download fails
 *   when no data comes for that long, however long it takes in all.
 * - **Listings** are in GCS's order, which is byte order;
 *   `startAfter` maps to `startOffset`.
 *
 * @since 0.1.0
 */
import { Storage } from "@google-cloud/storage"
import type { StorageOptions } from "@google-cloud/storage"
import { Effect, Layer, Redacted } from "effect"
import type { ProviderContext } from "../../services/ProviderRegistry.ts"
import { StorageProvider, storageError } from "../../services/StorageProvider.ts"
import type { StorageProviderShape } from "../../services/StorageProvider.ts"
import type { GcsOptions } from "./gcsFactory.ts"
import { makeGcsShape } from "./gcsShape.ts"
import { printableEndpoint } from "./cloudErrors.ts"
import { splitBasePath } from "./objectStore.ts"

const MiB = 1024 * 1024

/** The bearer token from the profile's credentials provider, if it has one. */
const tokenOf = Effect.fnUntraced(function*(context: ProviderContext) {
  if (context.credentials === undefined) return undefined
  const credentials = yield* Effect.mapError(context.credentials.get, (error) =>
    storageError(
      error.reason === "Unavailable" ? "Unavailable" : "PermissionDenied",
      `The credentials of profile '${context.profile}' could not be had: ${error.message}`,
      { operation: "make" }
    ))
  return credentials.token ?? credentials.accessKey
})

/**
 * A provider over the bucket and prefix of `options.base_path`. Makes no
 * request: a missing bucket or wrong credentials show on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("GcsStorage.make")(function*(options: GcsOptions, context: ProviderContext) {
  const { bucket, prefix } = yield* splitBasePath(options.base_path, "bucket", context)
  const token = yield* tokenOf(context)
  const anonymous = options.skip_signature === true || token !== undefined
  // The SDK skips its own auth only for an endpoint other than Google's; an
  // explicit port is enough to say so when we bring the token (or none).
  const endpoint = options.endpoint_url ?? (anonymous ? "https://storage.googleapis.com:443" : undefined)
  const storageOptions: StorageOptions = {
    ...(options.project_id === undefined ? {} : { projectId: options.project_id }),
    ...(endpoint === undefined ? {} : { apiEndpoint: endpoint, useAuthWithCustomEndpoint: false }),
    // No SDK `timeout`: it would cut any download or upload longer than it.
    retryOptions: { autoRetry: false }
  }
  const storage = new Storage(storageOptions)
  if (token !== undefined && options.skip_signature !== true) {
    // Applied to every request, resumable upload sessions included; the value is read when sent.
    storage.interceptors.push({
      request: (request) => {
        request.headers = { ...request.headers, Authorization: `Bearer ${Redacted.value(token)}` }
        // The SDK types an interceptor's result more narrowly than its argument; the object is its own.
        return request as Parameters<Storage["makeAuthenticatedRequest"]>[0]
      }
    })
  }
  return makeGcsShape({
    bucket: storage.bucket(bucket),
    prefix,
    context: { profile: context.profile, bucket, endpoint: printableEndpoint(endpoint ?? "https://storage.googleapis.com") },
    timeoutSeconds: options.timeout ?? 60,
    // Google's own endpoint with our token or none: the SDK's resumable
    // sessions would go through its default credentials, so stream in one
    // multipart request instead.
    resumable: options.endpoint_url !== undefined || !anonymous,
    threshold: options.multipart_threshold ?? 64 * MiB
  }) satisfies StorageProviderShape
})

/**
 * A `StorageProvider` for one GCS bucket.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: GcsOptions, context: ProviderContext) => Layer.effect(StorageProvider, make(options, context))

export { GcsOptions, factory } from "./gcsFactory.ts"
