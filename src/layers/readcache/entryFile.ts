/**
 * Reading and writing one read-cache entry file (format: `entryFormat.ts`).
 *
 * An entry is opened and checked (header checksum, file length, key) before
 * anything is served from it; a damaged one is removed and reported as a
 * miss. Its content is then streamed block by block, each block checked
 * before it is emitted; a damaged block ends the stream with a `Damaged`
 * marker saying where, so the caller can take the rest from the source.
 *
 * A new entry is written to a temporary file (`entryWriter.ts`: header last,
 * once the block checksums are known) and only then renamed into place by
 * the store.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Option, Stream } from "effect"
import type { Scope } from "effect"
import * as fsp from "node:fs/promises"
import { storageError } from "../../services/StorageProvider.ts"
import type { StorageError } from "../../services/StorageProvider.ts"
import { blockIsIntact, decodeHeader, FIXED_HEADER_BYTES, variableHeaderBytes } from "./entryFormat.ts"
import type { EntryHeader } from "./entryFormat.ts"
import { openWriter } from "./entryWriter.ts"
import type { EntryWriter } from "./entryWriter.ts"
import { ReadCacheError } from "./store.ts"

/**
 * An entry open for reading. The handle is closed with the scope it was
 * opened in.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenEntry {
  readonly path: string
  readonly handle: fsp.FileHandle
  readonly header: EntryHeader
}

/**
 * Where a damaged block was found: the object position from which the
 * content could not be served.
 *
 * @since 0.1.0
 * @category models
 */
export interface Damaged {
  readonly _tag: "Damaged"
  readonly at: number
}

/**
 * The content the writer of an entry expects from the source.
 *
 * @since 0.1.0
 * @category models
 */
export interface EntryContent {
  readonly key: string
  readonly etag: string
  readonly objectSize: number
  readonly offset: number
  readonly length: number
}

const readFully = async (handle: fsp.FileHandle, length: number, position: number): Promise<Buffer | undefined> => {
  // Not from the shared pool: emitted views must not expose other memory through `.buffer`.
  const buffer = Buffer.allocUnsafeSlow(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done)
    if (bytesRead === 0) return undefined
    done += bytesRead
  }
  return buffer
}

/** The header of an open file, or why it is no usable entry. */
const checkFile = async (handle: fsp.FileHandle, key: string): Promise<EntryHeader | string> => {
  const fixed = await readFully(handle, FIXED_HEADER_BYTES, 0)
  if (fixed === undefined) return "it is shorter than an entry header"
  const variable = variableHeaderBytes(fixed)
  if (typeof variable === "string") return variable
  const rest = await readFully(handle, variable, FIXED_HEADER_BYTES)
  if (rest === undefined) return "its header is truncated"
  const header = decodeHeader(Buffer.concat([fixed, rest]))
  if (typeof header === "string") return header
  const { size } = await handle.stat()
  if (size !== header.headerBytes + header.length) {
    return `it is ${size} bytes long instead of ${header.headerBytes + header.length}`
  }
  if (header.key !== key) return "collision"
  return header
}

/**
 * Opens the entry at `path` for `key`: the open entry, or `undefined` for a
 * miss. A damaged entry is removed (and logged); another key's entry (a
 * hash collision) is left alone.
 *
 * @since 0.1.0
 * @category reading
 */
export const openEntry = (path: string, key: string): Effect.Effect<OpenEntry | undefined, never, Scope.Scope> =>
  Effect.gen(function*() {
    const handle = yield* Effect.acquireRelease(
      Effect.promise(() => fsp.open(path, "r").catch(() => undefined)),
      (opened) => (opened === undefined ? Effect.void : Effect.promise(() => opened.close().catch(() => undefined)))
    )
    if (handle === undefined) return undefined
    const header = yield* Effect.promise(() => checkFile(handle, key).catch((cause: unknown) => `it cannot be read (${String(cause)})`))
    if (typeof header !== "string") return { path, handle, header }
    if (header !== "collision") {
      yield* Effect.logWarning(`Read cache: removing the damaged entry of '${key}' (${path}): ${header}.`)
      yield* Effect.promise(() => fsp.unlink(path).catch(() => undefined))
    }
    return undefined
  })

/**
 * Marks an entry as read now (its access time, which `lru` and `mru` go by);
 * the write time stays.
 *
 * @since 0.1.0
 * @category reading
 */
export const touchEntry = (entry: OpenEntry): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.promise(async () => {
      const { mtime } = await entry.handle.stat()
      await entry.handle.utimes(new Date(now), mtime)
    }).pipe(Effect.ignore))

/**
 * The bytes `[start, end)` of the object from an open entry (which must hold
 * them), checked block by block; a damaged or unreadable block ends the
 * stream with a `Damaged` marker.
 *
 * @since 0.1.0
 * @category reading
 */
export const entryRange = (entry: OpenEntry, start: number, end: number): Stream.Stream<Uint8Array | Damaged> => {
  const { header } = entry
  if (start >= end) return Stream.empty
  const first = Math.floor((start - header.offset) / header.blockSize)
  const last = Math.ceil((end - header.offset) / header.blockSize)
  return Stream.paginate(first, (index: number) =>
    Effect.promise(async (): Promise<readonly [ReadonlyArray<Uint8Array | Damaged>, Option.Option<number>]> => {
      const blockStart = index * header.blockSize
      const length = Math.min(header.blockSize, header.length - blockStart)
      const block = await readFully(entry.handle, length, header.headerBytes + blockStart).catch(() => undefined)
      if (block === undefined || !blockIsIntact(header, index, block)) {
        return [[{ _tag: "Damaged", at: Math.max(start, header.offset + blockStart) }], Option.none()]
      }
      const from = Math.max(start - header.offset, blockStart) - blockStart
      const to = Math.min(end - header.offset, blockStart + length) - blockStart
      const view = new Uint8Array(block.buffer, block.byteOffset + from, to - from)
      return [[view], index + 1 < last ? Option.some(index + 1) : Option.none()]
    }))
}

/**
 * Writes `content` (streamed from the source) as a complete entry file at
 * `temp`. Fails with the source's error, with `Unavailable` when the source
 * sent another length than expected, or with `ReadCacheError` when the disk
 * fails; the temporary file is removed on failure.
 *
 * @since 0.1.0
 * @category writing
 */
export const writeEntry = (
  temp: string,
  expected: EntryContent,
  content: Stream.Stream<Uint8Array, StorageError>,
  onProgress: () => Promise<void> = async () => {}
): Effect.Effect<void, StorageError | ReadCacheError> => {
  const diskFailure = (cause: unknown) => new ReadCacheError({ message: `The read cache cannot write ${temp}`, cause })
  const write = (writer: EntryWriter) =>
    Effect.gen(function*() {
      yield* Stream.runForEach(content, (bytes) =>
        Effect.tryPromise({ try: () => writer.write(bytes).then(onProgress), catch: diskFailure }))
      if (writer.written() !== expected.length) return yield* lengthMismatch(expected, writer.written())
      const now = yield* Clock.currentTimeMillis
      yield* Effect.tryPromise({ try: () => writer.complete(now), catch: diskFailure })
    })
  return Effect.tryPromise({ try: () => openWriter(temp, expected), catch: diskFailure }).pipe(
    Effect.flatMap((writer) => write(writer).pipe(Effect.onError(() => Effect.promise(writer.abort))))
  )
}

/**
 * The error of a source that sent another length than its `head` said.
 *
 * @since 0.1.0
 * @category writing
 */
export const lengthMismatch = (expected: EntryContent, written: number): StorageError =>
  storageError(
    "Unavailable",
    `The source sent ${written} bytes of '${expected.key}' where ${expected.length} were expected; it may have changed during the read.`,
    { operation: "read", key: expected.key }
  )
