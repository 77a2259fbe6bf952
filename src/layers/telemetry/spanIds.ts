/**
 * Trace and span ids for the export tracer: hex slices of a pre-filled random
 * buffer, refilled when used up, so an id is one native `toString` call and
 * not a random-number call per byte.
 *
 * @since 0.1.0
 */
import { randomFillSync } from "node:crypto"

/** 512 span ids or 256 trace ids per refill. */
const pool = Buffer.allocUnsafe(4096)
let offset = pool.length

const randomHex = (bytes: number): string => {
  if (offset + bytes > pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const id = pool.toString("hex", offset, offset + bytes)
  offset += bytes
  // All zeros is the W3C "invalid" id; at 2^-64 it is only a formality, but a formality exporters check.
  return /^0+$/.test(id) ? randomHex(bytes) : id
}

/**
 * A random W3C span id (16 lowercase hex digits, not all zeros).
 *
 * @since 0.1.0
 * @category constructors
 */
export const newSpanId = (): string => randomHex(8)

/**
 * A random W3C trace id (32 lowercase hex digits, not all zeros).
 *
 * @since 0.1.0
 * @category constructors
 */
export const newTraceId = (): string => randomHex(16)
