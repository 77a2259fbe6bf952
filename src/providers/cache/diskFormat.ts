/**
 * The file format of the disk cache: one file per key, a 28-byte header, the
 * key, then the value. All numbers little-endian.
 *
 * | offset | size | field                                              |
 * |--------|------|----------------------------------------------------|
 * | 0      | 4    | magic `STRC`                                       |
 * | 4      | 1    | format version (1)                                 |
 * | 5      | 3    | zero                                               |
 * | 8      | 8    | expiry, ms since the epoch (float64); 0 = none     |
 * | 16     | 4    | key length in UTF-8 bytes                          |
 * | 20     | 4    | value length                                       |
 * | 24     | 4    | CRC-32 of the key bytes followed by the value      |
 * | 28     | ...  | key bytes, then value bytes                        |
 *
 * The key in the file detects hash collisions (another key's file is a miss);
 * the lengths detect truncation (the file size must match exactly) and the
 * CRC garbled bytes.
 *
 * @since 0.1.0
 */
import { crc32 } from "node:zlib"

/**
 * @since 0.1.0
 * @category constants
 */
export const HEADER_BYTES = 28

/**
 * @since 0.1.0
 * @category constants
 */
export const FORMAT_VERSION = 1

const MAGIC = 0x43525453 // "STRC" read as a little-endian u32

/**
 * A decoded file: its key, expiry (0 = none) and value (a view into the file's bytes).
 *
 * @since 0.1.0
 * @category models
 */
export interface DiskEntry {
  readonly key: string
  readonly expiresAt: number
  readonly value: Uint8Array
}

/**
 * The bytes of a file holding `value` for `key`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeEntry = (key: string, value: Uint8Array, expiresAt: number): Buffer => {
  const keyBytes = Buffer.from(key, "utf8")
  const file = Buffer.allocUnsafe(HEADER_BYTES + keyBytes.length + value.byteLength)
  file.writeUInt32LE(MAGIC, 0)
  file.writeUInt32LE(FORMAT_VERSION, 4) // version byte + three zero bytes
  file.writeDoubleLE(expiresAt, 8)
  file.writeUInt32LE(keyBytes.length, 16)
  file.writeUInt32LE(value.byteLength, 20)
  file.writeUInt32LE(crc32(value, crc32(keyBytes)), 24)
  keyBytes.copy(file, HEADER_BYTES)
  file.set(value, HEADER_BYTES + keyBytes.length)
  return file
}

/**
 * The same file with another expiry (a copy: the original is left alone).
 *
 * @since 0.1.0
 * @category encoding
 */
export const withExpiry = (file: Buffer, expiresAt: number): Buffer => {
  const copy = Buffer.from(file)
  copy.writeDoubleLE(expiresAt, 8)
  return copy
}

/** The problem with a header, or undefined when it is well formed. */
const headerProblem = (file: Buffer): string | undefined => {
  if (file.length < HEADER_BYTES) return "shorter than the header"
  if (file.readUInt32LE(0) !== MAGIC) return "no magic number"
  if (file.readUInt32LE(4) !== FORMAT_VERSION) return "an unknown format version"
  const expiresAt = file.readDoubleLE(8)
  if (!(expiresAt >= 0 && Number.isFinite(expiresAt))) return "a bad expiry"
  return undefined
}

/**
 * Decodes a whole file: the entry, or a sentence saying what is wrong with it
 * (truncated, garbled, not a cache file).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEntry = (file: Buffer): DiskEntry | string => {
  const problem = headerProblem(file)
  if (problem !== undefined) return problem
  const keyLength = file.readUInt32LE(16)
  const valueLength = file.readUInt32LE(20)
  if (file.length !== HEADER_BYTES + keyLength + valueLength) {
    return `${file.length} bytes long instead of ${HEADER_BYTES + keyLength + valueLength}`
  }
  const keyBytes = file.subarray(HEADER_BYTES, HEADER_BYTES + keyLength)
  const value = file.subarray(HEADER_BYTES + keyLength)
  if (crc32(value, crc32(keyBytes)) !== file.readUInt32LE(24)) return "a checksum mismatch"
  return {
    key: keyBytes.toString("utf8"),
    expiresAt: file.readDoubleLE(8),
    value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  }
}

/**
 * Decodes the start of a file (header and key, enough for delete): the key and
 * expiry, or a problem. The value is not checked.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeHead = (head: Buffer): { readonly key: string; readonly expiresAt: number } | string => {
  const problem = headerProblem(head)
  if (problem !== undefined) return problem
  const keyLength = head.readUInt32LE(16)
  if (head.length < HEADER_BYTES + keyLength) return "shorter than its key"
  return { key: head.toString("utf8", HEADER_BYTES, HEADER_BYTES + keyLength), expiresAt: head.readDoubleLE(8) }
}
