/**
 * Reads of the s3 provider: `head`, `read` (a stream over the response body)
 * and `getBytes`, with byte ranges and `ifMatch` / `ifNoneMatch`.
 *
 * S3 answers a range that starts exactly at the end of an object with 416
 * (and so does any range of an empty object); the contract says that range
 * is empty, so a 416 is checked against the object's size with a HEAD. A
 * zero-length range is answered by a HEAD alone.
 *
 * @since 0.1.0
 */
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3"
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3"
import { Effect, Stream } from "effect"
import { validateKey } from "../../services/StorageKey.ts"
import type { ObjectMetadata, ReadOptions, StorageError } from "../../services/StorageProvider.ts"
import { checkRange, pastTheEnd } from "../../services/StorageRead.ts"
import { s3Error } from "./s3Errors.ts"
import { fullKey, metadataOf, quote, requireCapability, send } from "./s3Target.ts"
import type { S3Target } from "./s3Target.ts"

const conditions = (options: ReadOptions | undefined) => ({
  ...(options?.ifMatch === undefined ? {} : { IfMatch: quote(options.ifMatch) }),
  ...(options?.ifNoneMatch === undefined ? {} : { IfNoneMatch: quote(options.ifNoneMatch) })
})

/** HEAD with the read's preconditions. */
const headWith = (target: S3Target, key: string, options: ReadOptions | undefined, operation: string) =>
  Effect.map(
    send(target, operation, key, (abortSignal) =>
      target.client.send(
        new HeadObjectCommand({ Bucket: target.bucket, Key: fullKey(target, key), ...conditions(options) }),
        { abortSignal }
      )),
    (output) => metadataOf(key, output)
  )

/**
 * Metadata of an object.
 *
 * @since 0.1.0
 * @category reads
 */
export const head = (target: S3Target, key: string): Effect.Effect<ObjectMetadata, StorageError> =>
  Effect.andThen(validateKey(key, "head"), headWith(target, key, undefined, "head"))

/** An empty read, after checking that the object exists, meets the preconditions and is at least `offset` long. */
const emptyAt = (target: S3Target, key: string, offset: number, options: ReadOptions | undefined, operation: string) =>
  Effect.flatMap(headWith(target, key, options, operation), (meta) =>
    offset > meta.contentLength ? Effect.fail(pastTheEnd(key, operation, offset, meta.contentLength)) : Effect.succeed("empty" as const))

/**
 * The GET response of a read, or `"empty"` for an empty range.
 *
 * @since 0.1.0
 * @category reads
 */
export const getObject = (
  target: S3Target,
  key: string,
  options: ReadOptions | undefined,
  operation: string
): Effect.Effect<GetObjectCommandOutput | "empty", StorageError> =>
  Effect.gen(function*() {
    yield* validateKey(key, operation)
    const conditional = options?.ifMatch !== undefined || options?.ifNoneMatch !== undefined
    yield* requireCapability(target, "conditionalRead", conditional, "A conditional read", operation, key)
    const range = options?.range
    yield* checkRange(key, operation, range)
    if (range?.length === 0) return yield* emptyAt(target, key, range.offset, options, operation)
    const header = range === undefined
      ? {}
      : { Range: `bytes=${range.offset}-${range.length === undefined ? "" : range.offset + range.length - 1}` }
    return yield* send(target, operation, key, (abortSignal) =>
      target.client.send(
        new GetObjectCommand({ Bucket: target.bucket, Key: fullKey(target, key), ...header, ...conditions(options) }),
        { abortSignal }
      )).pipe(
        Effect.catchIf(
          (error) => error.reason === "InvalidRange" && range !== undefined,
          () => emptyAt(target, key, range?.offset ?? 0, options, operation)
        )
      )
  })

/**
 * The object's content as a stream of the response body's chunks.
 *
 * @since 0.1.0
 * @category reads
 */
export const read = (target: S3Target, key: string, options?: ReadOptions): Stream.Stream<Uint8Array, StorageError> =>
  Stream.unwrap(Effect.map(getObject(target, key, options, "read"), (output) =>
    output === "empty" || output.Body === undefined
      ? Stream.empty
      : Stream.fromAsyncIterable(
        output.Body as AsyncIterable<Uint8Array>,
        (cause) => s3Error(cause, { operation: "read", key, bucket: target.bucket, profile: target.profile })
      )))

/**
 * The object's content in one buffer.
 *
 * @since 0.1.0
 * @category reads
 */
export const getBytes = (target: S3Target, key: string, options?: ReadOptions): Effect.Effect<Uint8Array, StorageError> =>
  Effect.flatMap(getObject(target, key, options, "getBytes"), (output) =>
    output === "empty" || output.Body === undefined
      ? Effect.succeed(new Uint8Array(0))
      : send(target, "getBytes", key, (abortSignal) => {
        // Interrupted half-way: drop the response, so its socket is not left busy.
        abortSignal.addEventListener("abort", () => (output.Body as { destroy?: () => void }).destroy?.())
        return output.Body!.transformToByteArray()
      }))
