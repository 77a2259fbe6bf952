/**
 * The `Cache` contract, stated once as a behaviour suite that every cache
 * provider runs (memory, disk, Redis, remote, yours):
 *
 * ```ts
 * // test/MyCache.test.ts (vitest + @effect/vitest)
 * testCache("my-cache", MyCache.layer(), { maxValueBytes: 1024 * 1024 })
 * testCache("redis", RedisCache.layer({ url }), { realTime: true }) // the server keeps its own time
 * ```
 *
 * What a provider promises (each test below checks one part):
 *
 * - **Values** are bytes and round trip exactly: empty, binary, 1 MiB (so a
 *   provider under test must accept values of at least 1 MiB).
 *   `set` replaces the value *and* the TTL: a set without TTL after one with
 *   a TTL leaves no expiry.
 * - **getMany** returns only the keys present (an empty input gives an empty
 *   map); **setMany** sets all with one TTL.
 * - **delete/touch** report whether the key existed; **deleteMany** counts
 *   the keys that existed, a repeated key once. An expired entry does not
 *   exist.
 * - **TTL**: an entry is gone once its TTL has passed; `touch` gives an
 *   existing key a new TTL from now.
 * - **Bad input**: an empty key fails with `InvalidKey` on every operation;
 *   a TTL of 0, negative or infinite with `InvalidTtl`; a value over the
 *   provider's limit (`maxValueBytes`, when given) with `ValueTooLarge`. The
 *   error message names the key.
 * - **Keys** may hold any Unicode, spaces and colons.
 *
 * Time: by default (`realTime: false`) the layer is built with the test
 * services and expiry is driven by `TestClock.adjust`, so the provider must
 * read time from the Effect `Clock`. With `realTime: true` (a server with its
 * own clock) the suite uses short real TTLs and sleeps (a few seconds in all).
 *
 * Each test works under its own random key prefix and deletes its keys at
 * the end, so the suite can run against a shared backend. The layer is built
 * once for the suite.
 *
 * @since 0.1.0
 */
import { assert, describe, layer as layerSuite } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import type { Cache, CacheShape } from "../services/Cache.ts"
import { bytesOf, elapse, expectCacheError, getText, patternBytes, sameBytes, textOf, withKeys } from "./CacheSuiteData.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface CacheSuiteOptions {
  /** Use real time (short TTLs and sleeps) instead of the test clock; default false. */
  readonly realTime?: boolean
  /** The provider's value limit, to check `ValueTooLarge`; skipped when absent. */
  readonly maxValueBytes?: number
}

/** Every operation of the service, called with `key` (and valid other arguments). */
const everyOperation = (cache: CacheShape, key: string, valid: string) =>
  [
    ["get", cache.get(key)],
    ["getMany", cache.getMany([valid, key])],
    ["set", cache.set(key, bytesOf("x"))],
    ["setMany", cache.setMany([[valid, bytesOf("x")], [key, bytesOf("x")]])],
    ["delete", cache.delete(key)],
    ["deleteMany", cache.deleteMany([valid, key])],
    ["touch", cache.touch(key, "1 minute")]
  ] as const

/**
 * Registers the behaviour suite of the `Cache` contract against the cache that
 * `layer` builds.
 *
 * @since 0.1.0
 * @category suites
 */
export const testCache = (name: string, layer: Layer.Layer<Cache, unknown>, options: CacheSuiteOptions = {}): void => {
  const realTime = options.realTime ?? false
  // Real time: short TTLs, waits of twice the TTL. Test clock: long ones, the same proportions.
  const ttl = realTime ? 300 : 60_000
  const wait = (fraction: number) => elapse(realTime, Math.round(ttl * fraction))
  const timeout = { timeout: realTime ? 30_000 : 10_000 }

  describe(`Cache contract: ${name}`, () => {
    layerSuite(layer, { excludeTestServices: realTime, timeout: "60 seconds" })((it) => {
      it.effect("round trips a value through set and get", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const key = at("hello")
          assert.isTrue(Option.isNone(yield* cache.get(key)), "absent before set")
          yield* cache.set(key, bytesOf("hello, world"))
          assert.strictEqual(yield* getText(cache, key), "hello, world")
        })), timeout)

      it.effect("preserves bytes exactly: empty, binary and 1 MiB values", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const values: ReadonlyArray<readonly [string, Uint8Array]> = [
            ["empty", new Uint8Array(0)],
            ["binary", Uint8Array.from([0, 255, 0x80, 10, 13, 0, 0xc3, 0x28, 0xff, 0xfe])],
            ["large", patternBytes(1024 * 1024)]
          ]
          for (const [label, value] of values) yield* cache.set(at(label), value)
          for (const [label, value] of values) {
            const got = yield* cache.get(at(label))
            assert.isTrue(Option.isSome(got), `${label} is present`)
            if (Option.isSome(got)) sameBytes(got.value, value, label)
          }
        })), timeout)

      it.effect("getMany returns only the keys present", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          assert.strictEqual((yield* cache.getMany([])).size, 0, "an empty input gives an empty map")
          yield* cache.set(at("a"), bytesOf("A"))
          yield* cache.set(at("c"), new Uint8Array(0))
          const got = yield* cache.getMany([at("a"), at("b"), at("c"), at("a")])
          assert.deepStrictEqual([...got.keys()].toSorted(), [at("a"), at("c")].toSorted())
          assert.strictEqual(textOf(got.get(at("a"))!), "A")
          assert.strictEqual(got.get(at("c"))!.byteLength, 0, "an empty value is present")
          assert.strictEqual((yield* cache.getMany([at("x"), at("y")])).size, 0, "all missing")
        })), timeout)

      it.effect("setMany sets every entry", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          yield* cache.setMany([])
          yield* cache.setMany([[at("one"), bytesOf("1")], [at("two"), bytesOf("2")], [at("three"), bytesOf("3")]])
          const got = yield* cache.getMany([at("one"), at("two"), at("three")])
          assert.deepStrictEqual([...got.entries()].map(([k, v]) => [k, textOf(v)]).toSorted(), [
            [at("one"), "1"],
            [at("three"), "3"],
            [at("two"), "2"]
          ])
        })), timeout)

      it.effect("overwrites replace the value", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const key = at("k")
          yield* cache.set(key, bytesOf("first, and longer"))
          yield* cache.set(key, bytesOf("second"))
          assert.strictEqual(yield* getText(cache, key), "second")
          yield* cache.setMany([[key, bytesOf("third")]])
          assert.strictEqual(yield* getText(cache, key), "third")
        })), timeout)

      it.effect("delete reports whether the key existed", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const key = at("k")
          assert.isFalse(yield* cache.delete(key), "missing key")
          yield* cache.set(key, bytesOf("v"))
          assert.isTrue(yield* cache.delete(key), "present key")
          assert.isTrue(Option.isNone(yield* cache.get(key)), "gone after delete")
          assert.isFalse(yield* cache.delete(key), "deleted twice")
        })), timeout)

      it.effect("deleteMany counts the keys that existed, a repeated key once", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          assert.strictEqual(yield* cache.deleteMany([]), 0, "no keys")
          yield* cache.setMany([[at("a"), bytesOf("a")], [at("b"), bytesOf("b")], [at("c"), bytesOf("c")]])
          assert.strictEqual(yield* cache.deleteMany([at("a"), at("a"), at("missing"), at("b")]), 2)
          assert.deepStrictEqual([...(yield* cache.getMany([at("a"), at("b"), at("c")])).keys()], [at("c")])
          assert.strictEqual(yield* cache.deleteMany([at("a"), at("missing")]), 0, "nothing left to delete")
        })), timeout)

      it.effect("touch on a missing key reports false and creates nothing", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          assert.isFalse(yield* cache.touch(at("missing"), "1 minute"))
          assert.isTrue(Option.isNone(yield* cache.get(at("missing"))))
        })), timeout)

      it.effect("expires entries after their TTL, and set and setMany take one", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          yield* cache.set(at("ttl"), bytesOf("short"), { ttl })
          yield* cache.setMany([[at("m1"), bytesOf("1")], [at("m2"), bytesOf("2")]], { ttl })
          yield* cache.set(at("forever"), bytesOf("long"))
          assert.strictEqual(yield* getText(cache, at("ttl")), "short", "present before the TTL")
          assert.strictEqual((yield* cache.getMany([at("m1"), at("m2")])).size, 2, "setMany entries present")
          yield* wait(2)
          assert.isTrue(Option.isNone(yield* cache.get(at("ttl"))), "expired after the TTL")
          assert.strictEqual((yield* cache.getMany([at("m1"), at("m2"), at("forever")])).size, 1, "setMany entries expired")
          assert.strictEqual(yield* getText(cache, at("forever")), "long", "no TTL, no expiry")
        })), timeout)

      it.effect("expired entries do not exist for delete, deleteMany and touch", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          for (const label of ["d", "dm", "t"]) yield* cache.set(at(label), bytesOf(label), { ttl })
          yield* wait(2)
          assert.isFalse(yield* cache.delete(at("d")), "delete of an expired key")
          assert.strictEqual(yield* cache.deleteMany([at("dm")]), 0, "deleteMany of an expired key")
          assert.isFalse(yield* cache.touch(at("t"), "1 hour"), "touch of an expired key")
          assert.isTrue(Option.isNone(yield* cache.get(at("t"))), "touch does not revive an expired key")
        })), timeout)

      it.effect("an overwrite replaces the TTL: set without TTL after set with TTL never expires", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          yield* cache.set(at("k"), bytesOf("one"), { ttl })
          yield* cache.set(at("k"), bytesOf("two"))
          yield* cache.set(at("s"), bytesOf("one"))
          yield* cache.set(at("s"), bytesOf("two"), { ttl })
          yield* wait(2)
          assert.strictEqual(yield* getText(cache, at("k")), "two", "the TTL was dropped")
          assert.isTrue(Option.isNone(yield* cache.get(at("s"))), "the new TTL applies")
        })), timeout)

      it.effect("touch gives an existing key a new TTL", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const key = at("k")
          yield* cache.set(key, bytesOf("v"), { ttl })
          yield* wait(0.5)
          assert.isTrue(yield* cache.touch(key, ttl * 5), "touch of a present key")
          yield* wait(1)
          assert.strictEqual(yield* getText(cache, key), "v", "alive past the first TTL")
          const forever = at("forever")
          yield* cache.set(forever, bytesOf("f"))
          assert.isTrue(yield* cache.touch(forever, ttl), "touch gives a TTL to a key without one")
          yield* wait(2)
          assert.isTrue(Option.isNone(yield* cache.get(forever)), "the touched TTL applies")
        })), timeout)

      it.effect("refuses an empty key with InvalidKey on every operation", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          for (const [operation, effect] of everyOperation(cache, "", at("valid"))) {
            yield* expectCacheError(effect, "InvalidKey", operation)
          }
        })), timeout)

      it.effect("refuses a TTL of zero, negative or infinite with InvalidTtl", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const key = at("k")
          yield* cache.set(key, bytesOf("before"))
          for (const bad of [0, -1, "-5 seconds", Infinity, "Infinity", Number.NaN] as const) {
            const shown = String(bad)
            const error = yield* expectCacheError(cache.set(key, bytesOf("x"), { ttl: bad }), "InvalidTtl", `set ttl ${shown}`)
            assert.include(error.message, key, "the message names the key")
            yield* expectCacheError(cache.setMany([[key, bytesOf("x")]], { ttl: bad }), "InvalidTtl", `setMany ttl ${shown}`)
            yield* expectCacheError(cache.touch(key, bad), "InvalidTtl", `touch ttl ${shown}`)
          }
          assert.strictEqual(yield* getText(cache, key), "before", "a refused write changes nothing")
        })), timeout)

      it.effect("refuses a value over the limit with ValueTooLarge", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const limit = options.maxValueBytes
          if (limit === undefined) return
          const key = at("big")
          yield* cache.set(key, new Uint8Array(limit))
          const error = yield* expectCacheError(cache.set(key, bytesOf("small")).pipe(
            Effect.andThen(cache.set(key, new Uint8Array(limit + 1)))
          ), "ValueTooLarge", "set over the limit")
          assert.include(error.message, key, "the message names the key")
          assert.strictEqual(yield* getText(cache, key), "small", "a refused set keeps the old value")
          yield* expectCacheError(
            cache.setMany([[at("ok"), bytesOf("ok")], [key, new Uint8Array(limit + 1)]]),
            "ValueTooLarge",
            "setMany over the limit"
          )
        })), timeout)

      it.effect("accepts Unicode keys and keys with spaces and colons", () =>
        withKeys(Effect.fnUntraced(function*({ at, cache }) {
          const keys = ["données/日本語/🎉", "with space", "a:b:c", "tab\tand\nnewline", " "].map(at)
          for (const key of keys) yield* cache.set(key, bytesOf(key))
          for (const key of keys) assert.strictEqual(yield* getText(cache, key), key, JSON.stringify(key))
          const got = yield* cache.getMany(keys)
          assert.strictEqual(got.size, keys.length)
          assert.strictEqual(yield* cache.deleteMany(keys), keys.length)
        })), timeout)
    })
  })
}
