/**
 * Pieces shared by the cloud object-store providers (Azure Blob, GCS, S3):
 * the `bucket[/prefix]` base path, preconditions the backends answer
 * differently from the contract, fixed-size upload blocks, and time limits
 * for requests and downloads. Range checks and whole-body buffers are in
 * `services/StorageRead.ts`, error pieces in `cloudErrors.ts`.
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import { ConfigError } from "../../services/StorageConfig.ts"
import { storageError } from "../../services/StorageProvider.ts"
import type { StorageError } from "../../services/StorageProvider.ts"
import { pastTheEnd } from "../../services/StorageRead.ts"

/**
 * Sizes and counts in provider options.
 *
 * @since 0.1.0
 * @category options
 */
export const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))

/**
 * A duration option in seconds (timeouts): any number above zero.
 *
 * @since 0.1.0
 * @category options
 */
export const PositiveSeconds = Schema.Number.check(Schema.isGreaterThan(0))

/**
 * A base path split into the bucket (or container) and the key prefix under
 * it (`""`, or ending with "/").
 *
 * @since 0.1.0
 * @category models
 */
export interface BasePath {
  readonly bucket: string
  readonly prefix: string
}

/**
 * Splits MSC's `base_path` (`bucket`, `bucket/some/prefix`, slashes at either
 * end tolerated). An empty bucket or a `.`/`..` segment is a `ConfigError`
 * naming the option, so a profile can never reach outside its prefix.
 *
 * @since 0.1.0
 * @category base path
 */
export const splitBasePath = (
  basePath: string,
  what: "bucket" | "container",
  context: { readonly profile: string; readonly file?: string | undefined }
): Effect.Effect<BasePath, ConfigError> => {
  const segments = basePath.split("/").filter((segment) => segment !== "")
  const problem = segments.length === 0
    ? `is empty; it must name a ${what} (${what}[/prefix])`
    : segments.some((segment) => segment === "." || segment === "..")
    ? "contains a '.' or '..' segment"
    : undefined
  if (problem !== undefined) {
    return Effect.fail(new ConfigError({
      message: `base_path '${basePath}' of profile '${context.profile}' ${problem}`,
      path: `profiles.${context.profile}.storage_provider.options.base_path`,
      ...(context.file === undefined ? {} : { file: context.file })
    }))
  }
  const [bucket, ...rest] = segments
  return Effect.succeed({ bucket: bucket!, prefix: rest.length === 0 ? "" : `${rest.join("/")}/` })
}

/**
 * Removes the quotes around an etag (`"0x8D..."` → `0x8D...`).
 *
 * @since 0.1.0
 * @category etags
 */
export const unquote = (etag: string | undefined): string | undefined =>
  etag === undefined ? undefined : etag.replace(/^(W\/)?"(.*)"$/, "$2")

/**
 * Azure and GCS answer a put with `ifMatch` on a missing object with a failed
 * precondition; the contract says `NotFound`. On `PreconditionFailed`, asks
 * `head` whether the object exists and turns the error into `NotFound` if not.
 *
 * @since 0.1.0
 * @category preconditions
 */
export const notFoundIfAbsent = (head: Effect.Effect<unknown, StorageError>, key: string, etag: string) =>
(error: StorageError): Effect.Effect<never, StorageError> =>
  error.reason !== "PreconditionFailed"
    ? Effect.fail(error)
    : head.pipe(Effect.matchEffect({
      onSuccess: () => Effect.fail(error),
      onFailure: (headError) =>
        Effect.fail(
          headError.reason === "NotFound"
            ? storageError("NotFound", `No object at '${key}' to match etag '${etag}'.`, { operation: "put", key })
            : error
        )
    }))

/**
 * What a read of `offset` gives when the backend refuses the range (416) or
 * cannot express it (a length of 0): empty when the offset is at most the
 * object's size (read from `head`, which also checks the preconditions),
 * `InvalidRange` otherwise.
 *
 * @since 0.1.0
 * @category ranges
 */
export const emptyUnlessPastTheEnd = (
  head: Effect.Effect<{ readonly contentLength: number }, StorageError>,
  key: string,
  operation: string,
  offset: number
): Effect.Effect<Stream.Stream<Uint8Array, StorageError>, StorageError> =>
  Effect.flatMap(head, (meta) =>
    offset <= meta.contentLength
      ? Effect.succeed(Stream.empty)
      : Effect.fail(pastTheEnd(key, operation, offset, meta.contentLength)))

/**
 * Re-cuts a body into blocks of exactly `size` bytes (the last may be
 * shorter; an empty body gives none). Blocks are fresh buffers, so the caller
 * may reuse its chunks; at most one block is being filled at a time.
 *
 * @since 0.1.0
 * @category uploads
 */
export const blocks = <E, R>(body: Stream.Stream<Uint8Array, E, R>, size: number): Stream.Stream<Uint8Array, E, R> =>
  Stream.suspend(() => {
    let block = new Uint8Array(size)
    let filled = 0
    const full: Array<Uint8Array> = []
    const take = (chunk: Uint8Array): Array<Uint8Array> => {
      for (let at = 0; at < chunk.byteLength;) {
        const n = Math.min(size - filled, chunk.byteLength - at)
        block.set(chunk.subarray(at, at + n), filled)
        filled += n
        at += n
        if (filled === size) {
          full.push(block)
          block = new Uint8Array(size)
          filled = 0
        }
      }
      return full.splice(0)
    }
    return body.pipe(
      Stream.flatMap((chunk) => Stream.fromIterable(take(chunk))),
      Stream.concat(Stream.suspend(() => (filled === 0 ? Stream.empty : Stream.make(block.subarray(0, filled)))))
    )
  })

/**
 * Fails with `Unavailable` when `effect` takes longer than `seconds`; the
 * request is interrupted (its abort signal fires). Used around each backend
 * request, not around streaming a body, so a long download is not cut.
 *
 * @since 0.1.0
 * @category requests
 */
export const withinSeconds = (seconds: number, what: string) =>
(fields: { readonly operation: string; readonly key?: string }) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageError, R> =>
  Effect.timeoutOrElse(effect, {
    duration: `${seconds} seconds`,
    orElse: () => Effect.fail(storageError("Unavailable", `${what} did not answer within ${seconds} s.`, fields))
  })

/**
 * Fails a download with `Unavailable` when no chunk arrives for `seconds`
 * (a stalled connection); a slow download that keeps moving is never cut.
 *
 * @since 0.1.0
 * @category requests
 */
export const stallLimit = (seconds: number, what: string) =>
(fields: { readonly operation: string; readonly key?: string }) =>
<A, E, R>(stream: Stream.Stream<A, E, R>): Stream.Stream<A, E | StorageError, R> =>
  Stream.timeoutOrElse(stream, {
    duration: `${seconds} seconds`,
    orElse: () => Stream.fail(storageError("Unavailable", `${what} sent nothing for ${seconds} s.`, fields))
  })
