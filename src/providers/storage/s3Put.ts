/**
 * Puts of the s3 provider. Bytes, and streams that end within
 * `multipartThreshold` bytes, go up in one PutObject; longer streams go up in
 * parts of `multipartChunkSize` bytes, `maxConcurrency` at a time, and the
 * upload is aborted (its parts deleted) when the body, a part or the
 * completion fails or the put is interrupted, so no partial object is ever
 * visible. Memory held per put: at most the threshold, then about
 * `(maxConcurrency + 1) * multipartChunkSize`.
 *
 * `ifMatch` and `ifNoneMatch: "*"` are sent as S3's conditional-write headers
 * (on PutObject, or on CompleteMultipartUpload), so the check is atomic on the
 * server; S3 answers 412 for a failed condition and 404 for `ifMatch` on a
 * missing object.
 *
 * @since 0.1.0
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import type { CompletedPart } from "@aws-sdk/client-s3"
import { Effect, Exit, Sink, Stream } from "effect"
import { validateKey } from "../../services/StorageKey.ts"
import { StorageError, storageError } from "../../services/StorageProvider.ts"
import type { Body, ObjectMetadata, PutOptions } from "../../services/StorageProvider.ts"
import { concatBytes } from "../../services/StorageRead.ts"
import { blocks } from "./objectStore.ts"
import { fullKey, quote, requireCapability, send, unquote } from "./s3Target.ts"
import type { S3Target } from "./s3Target.ts"

const CHECKSUM_FIELDS = ["ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256"] as const

/** The error of a failed condition, in the contract's words. */
const conditionError = (error: StorageError, key: string, options: PutOptions | undefined): StorageError => {
  if (error.reason === "PreconditionFailed" && options?.ifNoneMatch === "*") {
    return new StorageError({ reason: "AlreadyExists", operation: "put", key, message: `The object '${key}' already exists.`, cause: error })
  }
  if (error.reason === "NotFound" && options?.ifMatch !== undefined && !error.message.includes("bucket '")) {
    return storageError("NotFound", `No object at '${key}' to match etag '${options.ifMatch}'.`, { operation: "put", key, cause: error })
  }
  return error
}

const writeFields = (target: S3Target, key: string, options: PutOptions | undefined) => ({
  Bucket: target.bucket,
  Key: fullKey(target, key),
  ...(options?.contentType === undefined ? {} : { ContentType: options.contentType }),
  ...(options?.metadata === undefined ? {} : { Metadata: { ...options.metadata } }),
  ...(target.checksumAlgorithm === undefined ? {} : { ChecksumAlgorithm: target.checksumAlgorithm })
})

const conditionFields = (options: PutOptions | undefined) => ({
  ...(options?.ifMatch === undefined ? {} : { IfMatch: quote(options.ifMatch) }),
  ...(options?.ifNoneMatch === undefined ? {} : { IfNoneMatch: options.ifNoneMatch })
})

const written = (key: string, size: number, etag: string | undefined, options: PutOptions | undefined): ObjectMetadata => {
  const unquoted = unquote(etag)
  return {
    key,
    contentLength: size,
    // S3 does not return the time of a put; the request's end is within a second of it.
    lastModified: new Date(),
    type: "file",
    ...(unquoted === undefined ? {} : { etag: unquoted }),
    ...(options?.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options?.metadata === undefined ? {} : { metadata: { ...options.metadata } })
  }
}

const putOnce = (target: S3Target, key: string, bytes: Uint8Array, options: PutOptions | undefined) =>
  Effect.map(
    send(target, "put", key, (abortSignal) =>
      target.client.send(
        new PutObjectCommand({ ...writeFields(target, key, options), ...conditionFields(options), Body: bytes, ContentLength: bytes.byteLength }),
        { abortSignal }
      )),
    (output) => written(key, bytes.byteLength, output.ETag, options)
  )

const putParts = <E>(target: S3Target, key: string, parts: Stream.Stream<Uint8Array, E>, options: PutOptions | undefined) =>
  Effect.gen(function*() {
    const created = yield* send(target, "put", key, (abortSignal) =>
      target.client.send(new CreateMultipartUploadCommand(writeFields(target, key, options)), { abortSignal }))
    const uploadId = created.UploadId
    const identity = { Bucket: target.bucket, Key: fullKey(target, key), UploadId: uploadId }
    let total = 0
    const upload = Effect.gen(function*() {
      const uploaded = yield* parts.pipe(
        Stream.zipWithIndex,
        Stream.mapEffect(([part, index]) => {
          total += part.byteLength
          return Effect.map(
            send(target, "put", key, (abortSignal) =>
              target.client.send(
                new UploadPartCommand({
                  ...identity,
                  PartNumber: index + 1,
                  Body: part,
                  ContentLength: part.byteLength,
                  ...(target.checksumAlgorithm === undefined ? {} : { ChecksumAlgorithm: target.checksumAlgorithm })
                }),
                { abortSignal }
              )),
            (output): CompletedPart => {
              const part: { -readonly [K in keyof CompletedPart]: CompletedPart[K] } = { PartNumber: index + 1, ETag: output.ETag }
              // A part's checksum must come back on completion when one was asked for.
              for (const field of CHECKSUM_FIELDS) if (output[field] !== undefined) part[field] = output[field]
              return part
            }
          )
        }, { concurrency: target.maxConcurrency }),
        Stream.runCollect
      )
      return yield* send(target, "put", key, (abortSignal) =>
        target.client.send(
          new CompleteMultipartUploadCommand({ ...identity, ...conditionFields(options), MultipartUpload: { Parts: uploaded } }),
          { abortSignal }
        ))
    })
    const completed = yield* upload.pipe(Effect.onExit((exit) =>
      Exit.isFailure(exit)
        ? Effect.ignore(send(target, "put", key, () => target.client.send(new AbortMultipartUploadCommand(identity))))
        : Effect.void
    ))
    return written(key, total, completed.ETag, options)
  })

/**
 * Writes an object from bytes or a stream, atomically.
 *
 * @since 0.1.0
 * @category writes
 */
export const put = <E = never>(target: S3Target, key: string, body: Body<E>, options?: PutOptions) =>
  Effect.gen(function*() {
    yield* validateKey(key, "put")
    yield* requireCapability(target, "conditionalWrite", options?.ifMatch !== undefined, "A put with ifMatch", "put", key)
    yield* requireCapability(target, "createOnly", options?.ifNoneMatch === "*", "A create-only put (ifNoneMatch *)", "put", key)
    if (body instanceof Uint8Array) return yield* putOnce(target, key, body, options)
    const threshold = target.multipartThreshold
    return yield* Effect.scoped(Effect.gen(function*() {
      const [first, rest] = yield* Stream.peel(body, Sink.reduceWhile(
        () => ({ chunks: [] as Array<Uint8Array>, total: 0 }),
        (state) => state.total <= threshold,
        (state, chunk) => {
          state.chunks.push(chunk)
          state.total += chunk.byteLength
          return state
        }
      ))
      if (first.total <= threshold) return yield* putOnce(target, key, concatBytes(first.chunks), options)
      const parts = blocks(Stream.concat(Stream.fromIterable(first.chunks), rest), target.multipartChunkSize)
      return yield* putParts(target, key, parts, options)
    }))
  }).pipe(Effect.mapError((error) => (error instanceof StorageError ? conditionError(error, key, options) : error)))
