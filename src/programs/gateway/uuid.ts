/**
 * Version 4 UUIDs written straight into byte buffers from a block of random
 * bytes. The ingest path writes two per event, some of them into several
 * buffers; a `randomUUID()` string is a rope of small pieces that costs more
 * to flatten and encode than the UUID costs to make.
 *
 * @since 0.1.0
 */
import { randomFillSync } from "node:crypto"
import type { BufferPool } from "./byteWriter.ts"

/** The hex digit of each byte's high and low nibble, so that a byte is two table reads. */
const HIGH = Buffer.from(Array.from({ length: 256 }, (_, byte) => "0123456789abcdef"[byte >> 4]).join(""), "latin1")
const LOW = Buffer.from(Array.from({ length: 256 }, (_, byte) => "0123456789abcdef"[byte & 15]).join(""), "latin1")
const DASH = 45

/**
 * Random bytes for `count` UUIDs (16 each), from the same CSPRNG as
 * `randomUUID`, in a buffer from `pool` when given (give it back once the
 * UUIDs are written).
 *
 * @since 0.1.0
 * @category constructors
 */
export const uuidRandomness = (count: number, pool?: BufferPool): Buffer =>
  randomFillSync(pool?.take(16 * count) ?? Buffer.allocUnsafe(16 * count), 0, 16 * count)

/** Byte `byte` as two hex digits at `at`. */
const hex = (byte: number, target: Uint8Array, at: number): void => {
  target[at] = HIGH[byte]!
  target[at + 1] = LOW[byte]!
}

/**
 * Writes UUID number `index` of `random` (its 36 characters, lower-case hex)
 * into `target` at `at`: the same index always gives the same UUID. Written
 * out byte by byte, without a loop: two UUIDs per event make this a hot path.
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeUuid = (random: Uint8Array, index: number, target: Uint8Array, at: number): void => {
  const r = index * 16
  hex(random[r]!, target, at)
  hex(random[r + 1]!, target, at + 2)
  hex(random[r + 2]!, target, at + 4)
  hex(random[r + 3]!, target, at + 6)
  target[at + 8] = DASH
  hex(random[r + 4]!, target, at + 9)
  hex(random[r + 5]!, target, at + 11)
  target[at + 13] = DASH
  hex((random[r + 6]! & 0x0f) | 0x40, target, at + 14) // version 4
  hex(random[r + 7]!, target, at + 16)
  target[at + 18] = DASH
  hex((random[r + 8]! & 0x3f) | 0x80, target, at + 19) // RFC 4122 variant
  hex(random[r + 9]!, target, at + 21)
  target[at + 23] = DASH
  hex(random[r + 10]!, target, at + 24)
  hex(random[r + 11]!, target, at + 26)
  hex(random[r + 12]!, target, at + 28)
  hex(random[r + 13]!, target, at + 30)
  hex(random[r + 14]!, target, at + 32)
  hex(random[r + 15]!, target, at + 34)
}

const scratch = Buffer.allocUnsafe(36)

/**
 * UUID number `index` of `random` as a string.
 *
 * @since 0.1.0
 * @category encoding
 */
export const uuidString = (random: Uint8Array, index: number): string => {
  writeUuid(random, index, scratch, 0)
  return scratch.toString("latin1")
}
