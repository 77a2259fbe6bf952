import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { PassThrough } from "node:stream"
import { readPooledBody } from "../../../src/programs/gateway/bodyReader.ts"
import { BufferPool } from "../../../src/programs/gateway/byteWriter.ts"

/** A readable that sends `chunks`, then ends (or fails with `error`). */
const source = (chunks: ReadonlyArray<string | Buffer>, error?: Error) => {
  const stream = new PassThrough()
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk)
    if (error === undefined) stream.end()
    else stream.destroy(error)
  })
  return stream
}

describe("readPooledBody", () => {
  it.effect("joins the chunks into one pooled buffer, growing past its first guess when no length was declared", () =>
    Effect.gen(function*() {
      const pool = new BufferPool(4)
      const big = Buffer.alloc(100_000, "x")
      const read = yield* readPooledBody(source(["{\"a\":", big, "1}"]), undefined, 1024 * 1024, pool)
      assert.isTrue(Result.isSuccess(read))
      const body = Result.getOrThrow(read)
      assert.strictEqual(Buffer.from(body.bytes).toString(), `{"a":${big.toString()}1}`)
      body.release()
      // The buffer went back: the next body of that size reuses its memory.
      const again = Result.getOrThrow(yield* readPooledBody(source(["{}"]), 100_010, 1024 * 1024, pool))
      assert.strictEqual(again.bytes.buffer, body.bytes.buffer)
      assert.strictEqual(Buffer.from(again.bytes).toString(), "{}")
    }))

  it.effect("refuses a body past the limit with 413 and drains the rest; a failed stream is a 400", () =>
    Effect.gen(function*() {
      const pool = new BufferPool(4)
      const stream = source(["x".repeat(600), "y".repeat(600), "z".repeat(600)])
      const tooBig = yield* readPooledBody(stream, undefined, 1024, pool)
      assert.deepStrictEqual(tooBig, Result.fail({ status: 413, error: "Request body exceeds the 0.0009765625 MB limit" }))
      yield* Effect.promise(() => new Promise((resolve) => stream.once("end", resolve)))
      const broken = yield* readPooledBody(source(["{\"a\":"], new Error("connection reset")), undefined, 1024, pool)
      assert.deepStrictEqual(broken, Result.fail({ status: 400, error: "Invalid request: the body could not be read" }))
    }))
})
