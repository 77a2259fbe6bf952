import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import * as memory from "../../src/providers/cache/memory.ts"
import { typed } from "../../src/services/CacheTyped.ts"

class Session extends Schema.Class<Session>("Session")({
  user: Schema.String,
  started: Schema.Date,
  roles: Schema.Array(Schema.String),
  note: Schema.optional(Schema.String)
}) {}

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

const session = new Session({ user: "ada", started: new Date("2026-01-02T03:04:05.000Z"), roles: ["admin"] })
const bytes = (s: string) => new TextEncoder().encode(s)

describe("typed cache", () => {
  it.effect("round trips values through JSON, class instances and dates included", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make()
      const sessions = typed(cache, Session)
      yield* sessions.set("s:1", session)
      const got = Option.getOrThrow(yield* sessions.get("s:1"))
      assert.instanceOf(got, Session)
      assert.strictEqual(got.started.toISOString(), "2026-01-02T03:04:05.000Z")
      assert.deepStrictEqual(got.roles, ["admin"])
      const raw = new TextDecoder().decode(Option.getOrThrow(yield* cache.get("s:1")))
      assert.deepStrictEqual(JSON.parse(raw), { user: "ada", started: "2026-01-02T03:04:05.000Z", roles: ["admin"] })
      assert.isTrue(Option.isNone(yield* sessions.get("s:missing")))
    }))

  it.effect("getMany and setMany carry typed values and the TTL; delete and touch pass through", () =>
    Effect.gen(function*() {
      const counts = typed(yield* memory.make(), Count)
      yield* counts.setMany([["a", 1], ["b", 2]], { ttl: "1 minute" })
      yield* counts.set("c", 3)
      const got = yield* counts.getMany(["a", "b", "c", "d"])
      assert.deepStrictEqual([...got.entries()], [["a", 1], ["b", 2], ["c", 3]])
      assert.isTrue(yield* counts.touch("a", "1 hour"))
      yield* TestClock.adjust("2 minutes")
      assert.deepStrictEqual([...(yield* counts.getMany(["a", "b", "c"])).keys()], ["a", "c"])
      assert.strictEqual(yield* counts.deleteMany(["a", "c", "c"]), 2)
      assert.isFalse(yield* counts.delete("a"))
    }))

  it.effect("fails with Corrupt naming the key for values that do not decode", () =>
    Effect.gen(function*() {
      const cache = yield* memory.make()
      const counts = typed(cache, Count)
      const cases: ReadonlyArray<readonly [string, Uint8Array]> = [
        ["not-json", bytes("{oops")],
        ["wrong-type", bytes("\"seven\"")],
        ["refused", bytes("-1")],
        ["not-utf8", Uint8Array.from([0xff, 0xfe, 0x31])]
      ]
      for (const [key, value] of cases) {
        yield* cache.set(key, value)
        const error = yield* Effect.flip(counts.get(key))
        assert.strictEqual(error.reason, "Corrupt", key)
        assert.strictEqual(error.key, key)
        assert.include(error.message, `'${key}'`)
      }
      yield* counts.set("fine", 4)
      const many = yield* Effect.flip(counts.getMany(["fine", "wrong-type"]))
      assert.strictEqual(many.reason, "Corrupt")
      assert.strictEqual(many.key, "wrong-type")
    }))

  it.effect("refuses a value that does not encode, writing nothing", () =>
    Effect.gen(function*() {
      const counts = typed(yield* memory.make(), Count)
      const error = yield* Effect.flip(counts.set("n", -5))
      assert.strictEqual(error.reason, "Corrupt")
      assert.include(error.message, "'n'")
      yield* Effect.flip(counts.setMany([["m", 1], ["n", 1.5]]))
      assert.isTrue(Option.isNone(yield* counts.get("m")), "setMany wrote nothing")
    }))

  it.effect("passes the cache's own errors through", () =>
    Effect.gen(function*() {
      const counts = typed(yield* memory.make(), Count)
      assert.strictEqual((yield* Effect.flip(counts.set("", 1))).reason, "InvalidKey")
      assert.strictEqual((yield* Effect.flip(counts.set("k", 1, { ttl: 0 }))).reason, "InvalidTtl")
    }))
})
