import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import * as Memory from "../../src/providers/storage/memory.ts"
import { policyFromConfig, waitMillis, withRetries } from "../../src/layers/Retry.ts"
import type { RetryPolicy } from "../../src/layers/Retry.ts"
import { faulty } from "../support/faultyProvider.ts"

const noWait: RetryPolicy = { attempts: 3, delaySeconds: 0, backoffMultiplier: 2, jitterSeconds: 0 }
const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)

const setup = (policy: RetryPolicy = noWait) =>
  Effect.gen(function*() {
    const memory = yield* Memory.make()
    const { faults, provider } = faulty(memory)
    return { memory, faults, retried: withRetries(provider, policy) }
  })

describe("Retry", () => {
  it.effect("retries Unavailable failures until an attempt succeeds", () =>
    Effect.gen(function*() {
      const { faults, memory, retried } = yield* setup()
      yield* memory.put("a", bytes("hello"))
      faults.failNext("getBytes", 2)
      assert.strictEqual(text(yield* retried.getBytes("a")), "hello")
      assert.strictEqual(faults.calls.getBytes, 3)
    }))

  it.effect("makes exactly `attempts` attempts, then says it gave up", () =>
    Effect.gen(function*() {
      const { faults, retried } = yield* setup({ ...noWait, attempts: 4 })
      faults.failNext("head", 10)
      const error = yield* Effect.flip(retried.head("a"))
      assert.strictEqual(error.reason, "Unavailable")
      assert.strictEqual(faults.calls.head, 4)
      assert.include(error.message, "gave up after 4 attempts")
    }))

  it.effect("attempts: 1 means one attempt and the error as it was", () =>
    Effect.gen(function*() {
      const { faults, retried } = yield* setup({ ...noWait, attempts: 1 })
      faults.failNext("head", 1)
      const error = yield* Effect.flip(retried.head("a"))
      assert.strictEqual(faults.calls.head, 1)
      assert.notInclude(error.message, "gave up")
    }))

  it.effect("does not retry other reasons", () =>
    Effect.gen(function*() {
      const { faults, retried } = yield* setup()
      for (const reason of ["NotFound", "PermissionDenied", "PreconditionFailed", "InvalidRange"] as const) {
        faults.failNext("getBytes", 1, reason)
        assert.strictEqual((yield* Effect.flip(retried.getBytes("a"))).reason, reason)
      }
      assert.strictEqual(faults.calls.getBytes, 4)
    }))

  it.effect("never retries conditional puts and deletes", () =>
    Effect.gen(function*() {
      const { faults, memory, retried } = yield* setup()
      const { etag } = yield* memory.put("a", bytes("v1"))
      faults.failNext("put", 2)
      yield* Effect.flip(retried.put("a", bytes("v2"), { ifMatch: etag! }))
      yield* Effect.flip(retried.put("b", bytes("v2"), { ifNoneMatch: "*" }))
      assert.strictEqual(faults.calls.put, 2)
      faults.failNext("delete", 1)
      yield* Effect.flip(retried.delete("a", { ifMatch: etag! }))
      assert.strictEqual(faults.calls.delete, 1)
    }))

  it.effect("retries unconditional puts of bytes, deletes and copies", () =>
    Effect.gen(function*() {
      const { faults, memory, retried } = yield* setup()
      faults.failNext("put", 2)
      yield* retried.put("a", bytes("v1"))
      assert.strictEqual(faults.calls.put, 3)
      faults.failNext("copy", 1)
      yield* retried.copy("a", "b")
      assert.strictEqual(faults.calls.copy, 2)
      faults.failNext("delete", 1)
      yield* retried.delete("b")
      assert.strictEqual(faults.calls.delete, 2)
      assert.strictEqual(text(yield* memory.getBytes("a")), "v1")
    }))

  it.effect("retries a streamed put only while its body is untouched", () =>
    Effect.gen(function*() {
      const { faults, retried } = yield* setup()
      let pulls = 0
      const body = Stream.fromIterable([bytes("a"), bytes("b")]).pipe(Stream.tap(() => Effect.sync(() => pulls++)))
      faults.failNext("put", 1)
      yield* retried.put("untouched", body)
      assert.strictEqual(faults.calls.put, 2)

      // A body that fails after its first chunk was taken: the put fails and is not tried again.
      let taken = 0
      const oneShot = Stream.make(bytes("x")).pipe(
        Stream.tap(() => Effect.sync(() => taken++)),
        Stream.concat(Stream.fail(new (class extends Error {})("socket closed")))
      )
      const before = faults.calls.put
      yield* Effect.flip(retried.put("consumed", oneShot))
      assert.strictEqual(faults.calls.put - before, 1)
      assert.strictEqual(taken, 1)
      assert.isAbove(pulls, 0)
    }))

  it.effect("resumes a pinned read after the bytes already delivered", () =>
    Effect.gen(function*() {
      const { faults, memory, retried } = yield* setup()
      const data = new Uint8Array(300_000).map((_, i) => i % 251)
      const { etag } = yield* memory.put("big", data)
      faults.breakReads(100_000, 2)
      const chunks = yield* Stream.runCollect(retried.read("big", { ifMatch: etag! }))
      const got = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
      let at = 0
      for (const chunk of chunks) {
        got.set(chunk, at)
        at += chunk.byteLength
      }
      assert.deepStrictEqual(got, data)
      assert.strictEqual(faults.calls.read, 3)
      assert.deepStrictEqual(faults.readRanges, [undefined, { offset: 131072 }, { offset: 262144 }])
    }))

  it.effect("does not resume an unpinned read that delivered bytes, but retries one that had not", () =>
    Effect.gen(function*() {
      const { faults, memory, retried } = yield* setup()
      yield* memory.put("big", new Uint8Array(300_000))
      faults.breakReads(100_000, 1)
      const error = yield* Effect.flip(Stream.runDrain(retried.read("big")))
      assert.strictEqual(error.reason, "Unavailable")
      assert.strictEqual(faults.calls.read, 1)
      faults.failNext("read", 1)
      yield* Stream.runDrain(retried.read("big"))
      assert.strictEqual(faults.calls.read, 3)
    }))

  it.effect("resumes a listing after the last key it delivered", () =>
    Effect.gen(function*() {
      const { faults, memory, retried } = yield* setup()
      for (const key of ["a", "b", "c", "d", "e"]) yield* memory.put(key, bytes(key))
      faults.breakLists(2, 1)
      const keys = (yield* Stream.runCollect(retried.list())).map((entry) => entry.key)
      assert.deepStrictEqual(keys, ["a", "b", "c", "d", "e"])
      assert.strictEqual(faults.calls.list, 2)
    }))

  it("waits delay × multiplier^k plus up to the jitter", () => {
    const policy: RetryPolicy = { attempts: 5, delaySeconds: 0.5, backoffMultiplier: 2, jitterSeconds: 1 }
    assert.strictEqual(waitMillis(policy, 0, 0), 500)
    assert.strictEqual(waitMillis(policy, 2, 0), 2000)
    assert.strictEqual(waitMillis(policy, 2, 0.5), 2500)
    assert.deepStrictEqual(policyFromConfig(undefined), { attempts: 3, delaySeconds: 1, backoffMultiplier: 2, jitterSeconds: 1 })
  })

  it.effect("sleeps within the backoff bounds (TestClock)", () =>
    Effect.gen(function*() {
      // Waits: [1, 2) s before the 2nd attempt, [2, 3) s before the 3rd.
      const { faults, retried } = yield* setup({ attempts: 3, delaySeconds: 1, backoffMultiplier: 2, jitterSeconds: 1 })
      faults.failNext("head", 3)
      const fiber = yield* Effect.forkChild(Effect.flip(retried.head("a")))
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(faults.calls.head, 1)
      yield* TestClock.adjust("1001 millis") // t = 2 s
      assert.strictEqual(faults.calls.head, 2)
      yield* TestClock.adjust("999 millis") // t = 2.999 s: the 3rd attempt comes at 3 s at the earliest
      assert.strictEqual(faults.calls.head, 2)
      yield* TestClock.adjust("2001 millis") // t = 5 s: at the latest
      assert.strictEqual(faults.calls.head, 3)
      const error = yield* Fiber.join(fiber)
      assert.include(error.message, "gave up after 3 attempts")
    }))
})
