/**
 * A request body read straight from Node into one buffer from the gateway's
 * pool: an ingest batch is hundreds of kilobytes, and reading it the generic
 * way (chunks kept in an array, then `Buffer.concat`) allocates and copies
 * it once more per request, fresh memory outside the JS heap that V8 answers
 * with full collections.
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import { finished } from "node:stream"
import type { Readable } from "node:stream"
import type { Refusal } from "./body.ts"
import type { BufferPool } from "./byteWriter.ts"

/**
 * A body and how to give its buffer back once nothing reads `bytes` any more.
 *
 * @since 0.1.0
 * @category models
 */
export interface PooledBody {
  readonly bytes: Uint8Array
  readonly release: () => void
}

/** Without a Content-Length, the first buffer's size; it doubles as needed. */
const FIRST_GUESS = 64 * 1024

/**
 * The refusal of a body over `limit` bytes.
 *
 * @since 0.1.0
 * @category refusals
 */
export const bodyTooLarge = (limit: number): Refusal => ({
  status: 413,
  error: `Request body exceeds the ${limit / 1024 / 1024} MB limit`
})

/**
 * The refusal of a body that could not be read.
 *
 * @since 0.1.0
 * @category refusals
 */
export const bodyUnreadable: Refusal = { status: 400, error: "Invalid request: the body could not be read" }

/**
 * Reads `source` to its end into a buffer from `pool` (sized from `declared`,
 * the Content-Length, when known). Past `limit` bytes it stops keeping the
 * body, lets the rest drain (the connection stays usable) and refuses with
 * 413; a body that cannot be read is a 400.
 *
 * @since 0.1.0
 * @category reading
 */
export const readPooledBody = (
  source: Readable,
  declared: number | undefined,
  limit: number,
  pool: BufferPool
): Effect.Effect<Result.Result<PooledBody, Refusal>> =>
  Effect.callback((resume) => {
    let buffer = pool.take(declared !== undefined && declared > 0 ? declared : FIRST_GUESS)
    let length = 0
    const onData = (chunk: Buffer) => {
      if (length + chunk.length > limit) {
        source.off("data", onData)
        stop()
        pool.give(buffer)
        // Drained, not destroyed, as effect/http does: the client still gets the 413.
        const drained = finished(source, { readable: true, writable: false }, () => drained())
        source.resume()
        resume(Effect.succeed(Result.fail(bodyTooLarge(limit))))
        return
      }
      if (length + chunk.length > buffer.length) {
        const grown = pool.take(Math.max(buffer.length * 2, length + chunk.length))
        buffer.copy(grown, 0, 0, length)
        pool.give(buffer)
        buffer = grown
      }
      length += chunk.copy(buffer, length)
    }
    const stop = finished(source, { readable: true, writable: false }, (error) => {
      source.off("data", onData)
      stop()
      if (error !== undefined && error !== null) {
        pool.give(buffer)
        return resume(Effect.succeed(Result.fail(bodyUnreadable)))
      }
      const kept = buffer
      resume(Effect.succeed(Result.succeed({ bytes: new Uint8Array(kept.buffer, kept.byteOffset, length), release: () => pool.give(kept) })))
    })
    source.on("data", onData)
    return Effect.sync(() => {
      source.off("data", onData)
      stop()
    })
  })
