/**
 * Azure puts: one Put Blob request for a body that fits in one block, else
 * staged blocks (`multipart_chunksize` each, `max_concurrency` in flight)
 * committed by one Put Block List carrying the preconditions, content type
 * and metadata. Nothing is visible before the commit, so a body that fails
 * half way leaves the previous blob (the staged blocks are dropped by Azure
 * after a week). Memory holds at most `max_concurrency + 2` blocks.
 *
 * @since 0.1.0
 */
import type { BlobHTTPHeaders, BlockBlobClient } from "@azure/storage-blob"
import { Effect, Option, Stream } from "effect"
import { createHash, randomBytes } from "node:crypto"
import type { Body, StorageError } from "../../services/StorageProvider.ts"
import { blocks } from "./objectStore.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface UploadSettings {
  /** Bodies in memory up to this size go in one request. */
  readonly threshold: number
  readonly blockSize: number
  readonly concurrency: number
  /** Send an MD5 of each request's bytes for Azure to check. */
  readonly validateContent: boolean
}

/**
 * What a put sends besides the bytes.
 *
 * @since 0.1.0
 * @category models
 */
export interface UploadRequest {
  readonly blobHTTPHeaders?: BlobHTTPHeaders
  readonly metadata?: Record<string, string>
  readonly conditions: { readonly ifMatch?: string; readonly ifNoneMatch?: string }
}

/** How the caller runs one SDK request (error mapping, time limit). */
export type Call = <A>(run: (signal: AbortSignal) => Promise<A>) => Effect.Effect<A, StorageError>

/**
 * @since 0.1.0
 * @category models
 */
export interface Uploaded {
  readonly etag: string | undefined
  readonly lastModified: Date | undefined
  readonly size: number
}

/** One block's outcome: staged, or (a body of one block) already uploaded whole. */
interface Part {
  readonly single: Uploaded | undefined
  readonly size: number
}

const md5 = (bytes: Uint8Array): Uint8Array => createHash("md5").update(bytes).digest()

/**
 * Uploads `body` to `blob` and returns the new blob's etag, time and size.
 *
 * @since 0.1.0
 * @category uploads
 */
export const upload = <E>(
  blob: BlockBlobClient,
  body: Body<E>,
  request: UploadRequest,
  settings: UploadSettings,
  call: Call
): Effect.Effect<Uploaded, StorageError | E> => {
  const single = (bytes: Uint8Array): Effect.Effect<Uploaded, StorageError> =>
    Effect.map(
      call((abortSignal) =>
        blob.upload(bytes, bytes.byteLength, {
          ...request,
          abortSignal,
          ...(settings.validateContent ? { transactionalContentMD5: md5(bytes) } : {})
        })
      ),
      (response) => ({ etag: response.etag, lastModified: response.lastModified, size: bytes.byteLength })
    )
  if (body instanceof Uint8Array && body.byteLength <= settings.threshold) return single(body)
  const source: Stream.Stream<Uint8Array, E> = body instanceof Uint8Array ? Stream.make(body) : body
  // Same length for every id of one upload (Azure requires it); random, so
  // two uploads racing on one blob do not mix their blocks.
  const uploadId = randomBytes(9).toString("hex")
  const blockId = (index: number) => Buffer.from(`${uploadId}-${String(index).padStart(6, "0")}`).toString("base64")
  const stage = (block: Uint8Array, index: number): Effect.Effect<Part, StorageError> =>
    Effect.as(
      call((abortSignal) =>
        blob.stageBlock(blockId(index), block, block.byteLength, {
          abortSignal,
          ...(settings.validateContent ? { transactionalContentMD5: md5(block) } : {})
        })
      ),
      { single: undefined, size: block.byteLength }
    )
  return Effect.gen(function*() {
    const parts = yield* blocks(source, settings.blockSize).pipe(
      Stream.zipWithIndex,
      Stream.zipWithNext,
      Stream.mapEffect(([[block, index], next]): Effect.Effect<Part, StorageError> =>
        index === 0 && Option.isNone(next)
          ? Effect.map(single(block), (uploaded) => ({ single: uploaded, size: block.byteLength }))
          : stage(block, index), { concurrency: settings.concurrency }),
      Stream.runCollect
    )
    if (parts.length === 0) return yield* single(new Uint8Array(0))
    if (parts.length === 1 && parts[0]!.single !== undefined) return parts[0]!.single
    const response = yield* call((abortSignal) =>
      blob.commitBlockList(parts.map((_, index) => blockId(index)), { ...request, abortSignal })
    )
    return {
      etag: response.etag,
      lastModified: response.lastModified,
      size: parts.reduce((total, part) => total + part.size, 0)
    }
  })
}
