/**
 * Artisan's appendable CBOR files, on local disk: a list file is
 * `0x9B <uint64 count> <items...>` and an array file is the RFC 8746 tag-40
 * layout with 8-byte shape and length fields. Both grow by writing the new
 * items at the end of the file and then rewriting the fixed-size header, so
 * an append never rewrites the data before it; a reader that sees a header
 * trusts its count, so a crash between the two steps leaves the file as it
 * was before the append (the extra bytes are ignored, and the next append
 * writes over them).
 *
 * Appends to one file are serialised within the process and across
 * processes by an exclusive lock file beside it (`<file>.lock`, created with
 * O_EXCL; one older than `STALE_LOCK_MS` is taken over).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as fsp from "node:fs/promises"
import { CborError, CborReader, encodeSequence, littleEndianBytes, NdArray, writeNdArray, writeNdArrayHead } from "./cbor.ts"
import { CborWriter } from "./cborWriter.ts"
import { tagOfTypedArray, typedArrayOf } from "./cborTypes.ts"

const LIST_HEADER = 0x9b
const LIST_HEADER_BYTES = 9
const STALE_LOCK_MS = 30_000

/**
 * The items of a list file. A file that starts with an 8-byte array head is
 * read up to its count (trailing bytes ignored); any other CBOR array is read
 * whole.
 *
 * @since 0.1.0
 * @category reading
 */
export const readList = (bytes: Uint8Array): Array<unknown> => {
  const reader = new CborReader(bytes)
  if (bytes[0] !== LIST_HEADER) {
    const value = reader.item()
    return Array.isArray(value) ? value : reader.fail("The file does not hold a list.", 0)
  }
  const { argument } = reader.head()
  const count = typeof argument === "number" ? argument : reader.fail("The list count is too large.", 1)
  const items: Array<unknown> = []
  for (let i = 0; i < count; i++) items.push(reader.item())
  return items
}

/** Where the header of an array file keeps what an append changes. */
interface ArrayHeader {
  readonly shape: ReadonlyArray<number>
  readonly tag: number
  readonly byteLength: number
  readonly dataOffset: number
}

const readArrayHeader = (bytes: Uint8Array): ArrayHeader => {
  const reader = new CborReader(bytes)
  const fail = (message: string): never => reader.fail(`Not an appendable array file: ${message}`)
  const tag = reader.head()
  if (tag.major !== 6 || tag.argument !== 40) fail("it does not start with tag 40.")
  if (reader.head().argument !== 2) fail("tag 40 must hold [shape, data].")
  const rank = reader.head()
  if (rank.major !== 4 || typeof rank.argument !== "number") fail("the shape is not an array.")
  const shape: Array<number> = []
  for (let i = 0; i < (rank.argument as number); i++) {
    const dimension = reader.head()
    if (dimension.info !== 27 || typeof dimension.argument !== "number") fail("a dimension is not an 8-byte count.")
    shape.push(dimension.argument as number)
  }
  const typed = reader.head()
  if (typed.major !== 6 || typeof typed.argument !== "number") fail("the data is not a typed array.")
  const data = reader.head()
  if (data.info !== 27 || data.major !== 2) fail("the data length is not an 8-byte count.")
  return { shape, tag: typed.argument as number, byteLength: data.argument as number, dataOffset: reader.offset }
}

/**
 * The array an array file holds (its header's length decides how many bytes are data).
 *
 * @since 0.1.0
 * @category reading
 */
export const readArray = (bytes: Uint8Array): NdArray => {
  const header = readArrayHeader(bytes)
  const end = header.dataOffset + header.byteLength
  if (end > bytes.byteLength) throw new CborError({ message: "The array data is shorter than its header says.", offset: bytes.byteLength })
  const data = typedArrayOf(header.tag, bytes.subarray(header.dataOffset, end), header.dataOffset)
  return new NdArray(header.shape, data)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `work` holding `<path>.lock`. */
const withFileLock = async <A>(path: string, work: () => Promise<A>): Promise<A> => {
  const lock = `${path}.lock`
  for (let attempt = 0;; attempt++) {
    try {
      await (await fsp.open(lock, "wx")).close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      const stat = await fsp.stat(lock).catch(() => undefined)
      if (stat !== undefined && Date.now() - stat.mtimeMs > STALE_LOCK_MS) await fsp.rm(lock, { force: true })
      await sleep(Math.min(50, 1 + attempt))
    }
  }
  try {
    return await work()
  } finally {
    await fsp.rm(lock, { force: true })
  }
}

/** Opens (creating it when missing) for positioned writes: append mode would send the header rewrite to the end. */
const openForUpdate = async (path: string): Promise<fsp.FileHandle> => {
  await (await fsp.open(path, "a")).close()
  return fsp.open(path, "r+")
}

/** `work` on the file under its lock, as an Effect: format problems stay `CborError`s, I/O failures become `Error`s. */
const underLock = (path: string, work: () => Promise<void>): Effect.Effect<void, CborError | Error> =>
  Effect.tryPromise({
    try: () => withFileLock(path, work),
    catch: (error) => error instanceof CborError ? error : new Error(String(error), { cause: error })
  })

const bytesOf = (write: (writer: CborWriter) => void): Uint8Array => {
  const writer = new CborWriter()
  write(writer)
  return writer.result()
}

/**
 * A whole list file (9-byte header, then the items): how a store without
 * in-place writes holds an appendable list.
 *
 * @since 0.1.0
 * @category writing
 */
export const encodeList = (items: ReadonlyArray<unknown>): Uint8Array => {
  const body = encodeSequence(items)
  const file = new Uint8Array(LIST_HEADER_BYTES + body.byteLength)
  file.set(bytesOf((w) => w.head64(4, BigInt(items.length))), 0)
  file.set(body, LIST_HEADER_BYTES)
  return file
}

/**
 * True when the bytes start with the appendable list header.
 *
 * @since 0.1.0
 * @category reading
 */
export const isListFile = (bytes: Uint8Array): boolean => bytes[0] === LIST_HEADER && bytes.byteLength >= LIST_HEADER_BYTES

/**
 * Appends items to a list file, creating it when missing.
 *
 * @since 0.1.0
 * @category appending
 */
export const appendToList = (path: string, items: ReadonlyArray<unknown>): Effect.Effect<void, CborError | Error> =>
  underLock(path, async () => {
    const file = await openForUpdate(path)
    try {
      const head = new Uint8Array(LIST_HEADER_BYTES)
      const { bytesRead } = await file.read(head, 0, LIST_HEADER_BYTES, 0)
      let count = 0n
      if (bytesRead > 0) {
        if (bytesRead < LIST_HEADER_BYTES || head[0] !== LIST_HEADER) {
          throw new CborError({ message: `${path} is not an appendable list file (no 9-byte list header).`, offset: 0 })
        }
        count = new DataView(head.buffer).getBigUint64(1)
      }
      const encoded = encodeSequence(items)
      const end = bytesRead === 0 ? LIST_HEADER_BYTES : await validListEnd(path, file, count)
      await file.write(encoded, 0, encoded.byteLength, end)
      await file.truncate(end + encoded.byteLength)
      await file.sync()
      const total = count + BigInt(items.length)
      await file.write(bytesOf((w) => w.head64(4, total)), 0, LIST_HEADER_BYTES, 0)
      knownListEnds.set(path, { count: total, end: end + encoded.byteLength })
    } finally {
      await file.close()
    }
  })

/** Where this process left each list file: the next append skips the scan when nothing changed since. */
const knownListEnds = new Map<string, { readonly count: bigint; readonly end: number }>()

/**
 * The end of the `count` items a list header promises: bytes past it are a
 * torn append and are written over (Artisan appends after them, so a crash
 * mid-append corrupts its list).
 */
const validListEnd = async (path: string, file: fsp.FileHandle, count: bigint): Promise<number> => {
  const known = knownListEnds.get(path)
  const size = (await file.stat()).size
  if (known !== undefined && known.count === count && known.end === size) return size
  const bytes = new Uint8Array(await file.readFile())
  const reader = new CborReader(bytes, LIST_HEADER_BYTES)
  for (let i = 0n; i < count; i++) reader.item()
  return reader.offset
}

/**
 * Appends rows along the first axis of an array file, creating it when
 * missing. Rows must have the file's element type and trailing shape.
 *
 * @since 0.1.0
 * @category appending
 */
export const appendToArray = (path: string, rows: NdArray): Effect.Effect<void, CborError | Error> =>
  underLock(path, async () => {
    if (rows.shape.length === 0) throw new CborError({ message: "Scalars cannot be extended.", offset: 0 })
    const file = await openForUpdate(path)
    try {
      const size = (await file.stat()).size
      if (size === 0) {
        const bytes = bytesOf((w) => writeNdArray(w, rows))
        await file.write(bytes, 0, bytes.byteLength, 0)
        await file.sync()
        return
      }
      const head = new Uint8Array(Math.min(size, 15 + 9 * 12))
      await file.read(head, 0, head.byteLength, 0)
      const header = readArrayHeader(head)
      if (header.shape.length === 0) throw new CborError({ message: "Scalars cannot be extended.", offset: 0 })
      if (header.tag !== tagOfTypedArray(rows.data) || !sameTrailingShape(header.shape, rows.shape)) {
        throw new CborError({ message: "Container and item shapes or element types do not match.", offset: 0 })
      }
      const end = header.dataOffset + header.byteLength
      const data = littleEndianBytes(rows.data)
      await file.write(data, 0, data.byteLength, end)
      await file.truncate(end + data.byteLength)
      await file.sync()
      const shape = [header.shape[0]! + rows.shape[0]!, ...header.shape.slice(1)]
      const rewritten = bytesOf((w) => writeNdArrayHead(w, shape, rows.data, header.byteLength + data.byteLength))
      await file.write(rewritten, 0, rewritten.byteLength, 0)
    } finally {
      await file.close()
    }
  })

const sameTrailingShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) =>
  a.length === b.length && a.every((dimension, i) => i === 0 || dimension === b[i])
