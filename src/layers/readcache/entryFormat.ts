/**
 * The file format of a read-cache entry: a header, then a piece of one
 * object's content (the whole object, or one cache line of it). Numbers are
 * little-endian; sizes are float64 so that objects past 4 GiB fit exactly.
 *
 * | offset | size | field                                                   |
 * |--------|------|---------------------------------------------------------|
 * | 0      | 4    | magic `STRE`                                            |
 * | 4      | 1    | format version (1)                                      |
 * | 5      | 3    | zero                                                    |
 * | 8      | 8    | the object's size                                       |
 * | 16     | 8    | where this piece starts in the object                   |
 * | 24     | 8    | the piece's length                                      |
 * | 32     | 4    | block size (bytes per block checksum)                   |
 * | 36     | 4    | etag length (UTF-8 bytes)                               |
 * | 40     | 4    | key length (UTF-8 bytes)                                |
 * | 44     | 4    | CRC-32 of the rest of the header (bytes 0-43 and 48-)   |
 * | 48     | ...  | etag, key, then one CRC-32 per block of the content     |
 * | header | ...  | the content                                             |
 *
 * What this detects: a file of the wrong length (truncated, or with bytes
 * appended) by its size; a damaged header by its CRC; damaged content block
 * by block, so a range is checked without reading the whole entry and a
 * damaged block is never served. The key in the file tells a hash collision
 * from a hit.
 *
 * @since 0.1.0
 */
import { crc32 } from "node:zlib"

/**
 * @since 0.1.0
 * @category constants
 */
export const FIXED_HEADER_BYTES = 48

/**
 * Bytes per content checksum: big enough that checking costs little, small
 * enough that a range read checks little more than it serves.
 *
 * @since 0.1.0
 * @category constants
 */
export const BLOCK_BYTES = 1024 * 1024

const MAGIC = 0x45525453 // "STRE" read as a little-endian u32
const VERSION = 1
/** Longer etags or keys than these mean a damaged header, not a real entry. */
const MAX_ETAG_BYTES = 4096
const MAX_KEY_BYTES = 64 * 1024

/**
 * What an entry holds.
 *
 * @since 0.1.0
 * @category models
 */
export interface EntryHeader {
  readonly key: string
  readonly etag: string
  readonly objectSize: number
  readonly offset: number
  readonly length: number
  readonly blockSize: number
  /** One CRC-32 per block of the content. */
  readonly blockChecksums: Uint32Array
  /** Where the content starts in the file. */
  readonly headerBytes: number
}

/**
 * The blocks of `length` bytes of content.
 *
 * @since 0.1.0
 * @category encoding
 */
export const blockCount = (length: number, blockSize: number): number => Math.ceil(length / blockSize)

/**
 * The header's size for an entry of this key, etag and content length.
 *
 * @since 0.1.0
 * @category encoding
 */
export const headerSize = (key: string, etag: string, length: number, blockSize: number = BLOCK_BYTES): number =>
  FIXED_HEADER_BYTES + Buffer.byteLength(etag) + Buffer.byteLength(key) + 4 * blockCount(length, blockSize)

/**
 * The header bytes of an entry (its size is `headerSize(...)`).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeHeader = (header: Omit<EntryHeader, "headerBytes">): Buffer => {
  const etag = Buffer.from(header.etag, "utf8")
  const key = Buffer.from(header.key, "utf8")
  const table = header.blockChecksums
  const out = Buffer.alloc(FIXED_HEADER_BYTES + etag.length + key.length + 4 * table.length)
  out.writeUInt32LE(MAGIC, 0)
  out.writeUInt32LE(VERSION, 4)
  out.writeDoubleLE(header.objectSize, 8)
  out.writeDoubleLE(header.offset, 16)
  out.writeDoubleLE(header.length, 24)
  out.writeUInt32LE(header.blockSize, 32)
  out.writeUInt32LE(etag.length, 36)
  out.writeUInt32LE(key.length, 40)
  etag.copy(out, FIXED_HEADER_BYTES)
  key.copy(out, FIXED_HEADER_BYTES + etag.length)
  let at = FIXED_HEADER_BYTES + etag.length + key.length
  for (const checksum of table) at = out.writeUInt32LE(checksum, at)
  out.writeUInt32LE(headerChecksum(out), 44)
  return out
}

const headerChecksum = (header: Buffer): number =>
  crc32(header.subarray(FIXED_HEADER_BYTES), crc32(header.subarray(0, 44)))

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/**
 * How many header bytes follow the fixed part, from the fixed part alone; or
 * a sentence saying why this is no entry.
 *
 * @since 0.1.0
 * @category decoding
 */
export const variableHeaderBytes = (fixed: Buffer): number | string => {
  if (fixed.length < FIXED_HEADER_BYTES) return "it is shorter than an entry header"
  if (fixed.readUInt32LE(0) !== MAGIC) return "it has no entry magic number"
  if (fixed.readUInt32LE(4) !== VERSION) return "its format version is unknown"
  const length = fixed.readDoubleLE(24)
  const blockSize = fixed.readUInt32LE(32)
  const etagBytes = fixed.readUInt32LE(36)
  const keyBytes = fixed.readUInt32LE(40)
  if (!isSize(length) || blockSize === 0 || etagBytes > MAX_ETAG_BYTES || keyBytes > MAX_KEY_BYTES) {
    return "its header is damaged"
  }
  return etagBytes + keyBytes + 4 * blockCount(length, blockSize)
}

/**
 * Decodes a whole header (fixed part and variable part); or a sentence
 * saying what is wrong with it.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeHeader = (header: Buffer): EntryHeader | string => {
  const variable = variableHeaderBytes(header)
  if (typeof variable === "string") return variable
  if (header.length !== FIXED_HEADER_BYTES + variable) return "its header is truncated"
  if (header.readUInt32LE(44) !== headerChecksum(header)) return "its header checksum does not match"
  const objectSize = header.readDoubleLE(8)
  const offset = header.readDoubleLE(16)
  const length = header.readDoubleLE(24)
  if (!isSize(objectSize) || !isSize(offset) || offset + length > objectSize) return "its header is damaged"
  const blockSize = header.readUInt32LE(32)
  const etagEnd = FIXED_HEADER_BYTES + header.readUInt32LE(36)
  const keyEnd = etagEnd + header.readUInt32LE(40)
  const blocks = blockCount(length, blockSize)
  const blockChecksums = new Uint32Array(blocks)
  for (let i = 0; i < blocks; i++) blockChecksums[i] = header.readUInt32LE(keyEnd + 4 * i)
  return {
    etag: header.toString("utf8", FIXED_HEADER_BYTES, etagEnd),
    key: header.toString("utf8", etagEnd, keyEnd),
    objectSize,
    offset,
    length,
    blockSize,
    blockChecksums,
    headerBytes: header.length
  }
}

/**
 * Checksums content block by block as it streams in, in pieces of any size.
 *
 * @since 0.1.0
 * @category encoding
 */
export class BlockChecksummer {
  readonly checksums: Array<number> = []
  private current = 0
  private filled = 0
  readonly blockSize: number
  constructor(blockSize: number = BLOCK_BYTES) {
    this.blockSize = blockSize
  }

  update(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.byteLength) {
      const take = Math.min(this.blockSize - this.filled, bytes.byteLength - at)
      this.current = crc32(bytes.subarray(at, at + take), this.current)
      this.filled += take
      at += take
      if (this.filled === this.blockSize) this.flush()
    }
  }

  /** The checksums of every block, the last (partial) one included. */
  finish(): Uint32Array {
    if (this.filled > 0) this.flush()
    return Uint32Array.from(this.checksums)
  }

  private flush(): void {
    this.checksums.push(this.current)
    this.current = 0
    this.filled = 0
  }
}

/**
 * Whether block `index` of an entry has the bytes its header says.
 *
 * @since 0.1.0
 * @category decoding
 */
export const blockIsIntact = (header: EntryHeader, index: number, bytes: Uint8Array): boolean =>
  crc32(bytes) === header.blockChecksums[index]
