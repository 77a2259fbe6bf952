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

const HEX = Buffer.from("0123456789abcdef", "latin1")
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

/**
 * Writes UUID number `index` of `random` (its 36 characters, lower-case hex)
 * into `target` at `at`: the same index always gives the same UUID.
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeUuid = (random: Uint8Array, index: number, target: Uint8Array, at: number): void => {
  const base = index * 16
  let out = at
  for (let i = 0; i < 16; i++) {
    let byte = random[base + i]!
    if (i === 6) byte = (byte & 0x0f) | 0x40 // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80 // RFC 4122 variant
    target[out++] = HEX[byte >> 4]!
    target[out++] = HEX[byte & 15]!
    if (i === 3 || i === 5 || i === 7 || i === 9) target[out++] = DASH
  }
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
