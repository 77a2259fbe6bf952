import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import type { CacheShape } from "../../../src/services/Cache.ts"
import * as memory from "../../../src/providers/cache/memory.ts"
import { testCache } from "../../../src/testing/CacheSuite.ts"

const limit = 2 * 1024 * 1024
testCache("memory", memory.layer({ maxValueBytes: limit }), { maxValueBytes: limit })
testCache("memory, real time", memory.layer(), { realTime: true })

const text = (s: string) => new TextEncoder().encode(s)
const keysPresent = (cache: CacheShape, keys: ReadonlyArray<string>) =>
  Effect.map(cache.getMany(keys), (found) => keys.filter((key) => found.has(key)))

describe("memory cache", () => {
  it.effect("evicts the least recently used entry past maxEntries", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make({ maxEntries: 3 })
      for (const key of ["a", "b", "c", "d"]) yield* cache.set(key, text(key))
      assert.deepStrictEqual(yield* keysPresent(cache, ["a", "b", "c", "d"]), ["b", "c", "d"])
    }))

  it.effect("get, set and touch bump recency; a miss does not", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make({ maxEntries: 3 })
      for (const key of ["a", "b", "c"]) yield* cache.set(key, text(key))
      yield* cache.get("a") // order now b, c, a
      yield* cache.get("missing")
      yield* cache.set("d", text("d")) // evicts b
      assert.isTrue(Option.isNone(yield* cache.get("b")), "b was the least recently used")
      yield* cache.touch("c", "1 hour") // order a, d, c
      yield* cache.set("b", text("b")) // evicts a
      assert.isTrue(Option.isNone(yield* cache.get("a")), "a was the least recently used")
      yield* cache.set("d", text("D")) // order c, b, d
      yield* cache.set("e", text("e")) // evicts c
      assert.deepStrictEqual(yield* keysPresent(cache, ["b", "d", "e"]), ["b", "d", "e"])
      assert.isTrue(Option.isNone(yield* cache.get("c")))
    }))

  it.effect("evicts by total bytes, oldest first, and an overwrite frees the old size", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make({ maxBytes: 10 })
      yield* cache.set("a", new Uint8Array(4))
      yield* cache.set("b", new Uint8Array(4))
      yield* cache.set("b", new Uint8Array(6)) // 4 + 6 = 10: fits
      assert.deepStrictEqual(yield* keysPresent(cache, ["a", "b"]), ["a", "b"])
      yield* cache.set("c", new Uint8Array(1)) // 11: a goes
      assert.deepStrictEqual(yield* keysPresent(cache, ["a", "b", "c"]), ["b", "c"])
      yield* cache.set("d", new Uint8Array(9)) // 16: b goes, then 10 fits
      assert.deepStrictEqual(yield* keysPresent(cache, ["b", "c", "d"]), ["c", "d"])
      yield* cache.delete("d")
      yield* cache.set("e", new Uint8Array(9)) // the deleted bytes were freed: c stays
      assert.deepStrictEqual(yield* keysPresent(cache, ["c", "e"]), ["c", "e"])
    }))

  it.effect("refuses a value larger than maxBytes, naming the key and the sizes", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make({ maxBytes: 10, maxValueBytes: 100 })
      yield* cache.set("keep", text("keep"))
      const error = yield* Effect.flip(cache.set("big", new Uint8Array(11)))
      assert.strictEqual(error.reason, "ValueTooLarge")
      assert.include(error.message, "'big'")
      assert.include(error.message, "11 bytes")
      assert.include(error.message, "10 bytes")
      assert.isTrue(Option.isSome(yield* cache.get("keep")), "nothing was evicted for it")
    }))

  it.effect("expired entries do not count for delete, touch or deleteMany, and are removed", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make({ maxEntries: 2 })
      yield* cache.set("a", text("a"), { ttl: "1 second" })
      yield* cache.set("b", text("b"), { ttl: "2 seconds" })
      yield* TestClock.adjust("1 second") // a expires exactly now
      assert.isFalse(yield* cache.touch("a", "1 hour"))
      assert.isTrue(yield* cache.touch("b", "1 hour"))
      yield* TestClock.adjust("90 minutes")
      assert.isFalse(yield* cache.delete("b"))
      assert.strictEqual(yield* cache.deleteMany(["a", "b"]), 0)
    }))

  it.effect("rounds a sub-millisecond TTL up, never to no expiry", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make()
      yield* cache.set("k", text("v"), { ttl: "10 nanos" })
      assert.isTrue(Option.isSome(yield* cache.get("k")))
      yield* TestClock.adjust(1)
      assert.isTrue(Option.isNone(yield* cache.get("k")))
    }))

  it.effect("copies values in and out", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make()
      const value = text("original")
      yield* cache.set("k", value)
      value.fill(0x21)
      const got = Option.getOrThrow(yield* cache.get("k"))
      got.fill(0x22)
      const many = (yield* cache.getMany(["k"])).get("k")!
      assert.strictEqual(new TextDecoder().decode(many), "original")
      many.fill(0x23)
      yield* cache.setMany([["m", value]])
      value.fill(0x24)
      assert.strictEqual(new TextDecoder().decode(Option.getOrThrow(yield* cache.get("k"))), "original")
      assert.strictEqual(new TextDecoder().decode(Option.getOrThrow(yield* cache.get("m"))), "!!!!!!!!")
    }))

  it.effect("refuses keys over 1024 UTF-8 bytes and lone surrogates; a refused setMany writes nothing", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make()
      yield* cache.set("x".repeat(1024), text("fits"))
      yield* cache.set("é".repeat(512), text("fits too"))
      assert.strictEqual((yield* Effect.flip(cache.get("x".repeat(1025)))).reason, "InvalidKey")
      assert.strictEqual((yield* Effect.flip(cache.get("é".repeat(513)))).reason, "InvalidKey")
      assert.strictEqual((yield* Effect.flip(cache.get("bad\uD800"))).reason, "InvalidKey")
      const error = yield* Effect.flip(cache.setMany([["fine", text("1")], ["", text("2")]]))
      assert.strictEqual(error.reason, "InvalidKey")
      assert.isTrue(Option.isNone(yield* cache.get("fine")))
    }))

  it.effect("keeps caches apart and refuses bounds below 1", () =>
    Effect.gen(function*() {
      const a = yield* memory.make()
      const b = yield* memory.make()
      yield* a.set("k", text("a"))
      assert.isTrue(Option.isNone(yield* b.get("k")))
      const error = yield* Effect.flip(memory.make({ maxEntries: 0 }))
      assert.include(error.message, "maxEntries")
    }))
})
