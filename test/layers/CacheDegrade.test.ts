import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option, Schema } from "effect"
import type { Duration } from "effect"
import * as CacheDegrade from "../../src/layers/CacheDegrade.ts"
import * as memory from "../../src/providers/cache/memory.ts"
import { Cache, CacheError } from "../../src/services/Cache.ts"
import type { CacheErrorReason, CacheShape } from "../../src/services/Cache.ts"
import { typed } from "../../src/services/CacheTyped.ts"

const failure = (reason: CacheErrorReason, operation: string, key: string) =>
  new CacheError({ reason, operation, key, message: `${reason} on ${operation} of '${key}'.` })

/** A cache whose every operation fails with `reason`. */
const failing = (reason: CacheErrorReason): CacheShape => ({
  get: (key) => Effect.fail(failure(reason, "get", key)),
  getMany: (keys) => Effect.fail(failure(reason, "getMany", keys[0] ?? "")),
  set: (key) => Effect.fail(failure(reason, "set", key)),
  setMany: (entries) => Effect.fail(failure(reason, "setMany", entries[0]?.[0] ?? "")),
  delete: (key) => Effect.fail(failure(reason, "delete", key)),
  deleteMany: (keys) => Effect.fail(failure(reason, "deleteMany", keys[0] ?? "")),
  touch: (key, _ttl: Duration.Input) => Effect.fail(failure(reason, "touch", key))
})

/** Runs `effect` collecting the messages of warnings. */
const withWarnings = <A, E>(effect: (warnings: Array<string>) => Effect.Effect<A, E>) => {
  const warnings: Array<string> = []
  const collector = Logger.make((options) => {
    if (options.logLevel === "Warn") warnings.push(String(options.message))
  })
  return effect(warnings).pipe(Effect.provide(Logger.layer([collector])))
}

const bytes = new TextEncoder().encode("v")

describe("CacheDegrade", () => {
  for (const reason of ["Unavailable", "Corrupt"] as const) {
    it.effect(`turns ${reason} into misses and no-ops, logging one warning per failure`, () =>
      withWarnings((warnings) =>
        Effect.gen(function*() {
          const seen: Array<string> = []
          const cache = CacheDegrade.degradeToMiss(failing(reason), {
            onError: (error) => Effect.sync(() => seen.push(`${error.operation}:${error.key}`))
          })
          assert.isTrue(Option.isNone(yield* cache.get("k")))
          assert.strictEqual((yield* cache.getMany(["k"])).size, 0)
          yield* cache.set("k", bytes)
          yield* cache.setMany([["k", bytes]], { ttl: "1 minute" })
          assert.isFalse(yield* cache.delete("k"))
          assert.strictEqual(yield* cache.deleteMany(["k", "j"]), 0)
          assert.isFalse(yield* cache.touch("k", "1 minute"))
          assert.deepStrictEqual(seen, ["get:k", "getMany:k", "set:k", "setMany:k", "delete:k", "deleteMany:k", "touch:k"])
          assert.strictEqual(warnings.length, 7)
          assert.include(warnings[0], `${reason} on get of 'k'.`)
        })))
  }

  for (const reason of ["InvalidKey", "ValueTooLarge", "InvalidTtl"] as const) {
    it.effect(`still fails with ${reason}, the caller's bug`, () =>
      withWarnings((warnings) =>
        Effect.gen(function*() {
          const cache = CacheDegrade.degradeToMiss(failing(reason))
          assert.strictEqual((yield* Effect.flip(cache.get("k"))).reason, reason)
          assert.strictEqual((yield* Effect.flip(cache.set("k", bytes))).reason, reason)
          assert.strictEqual((yield* Effect.flip(cache.deleteMany(["k"]))).reason, reason)
          assert.strictEqual((yield* Effect.flip(cache.touch("k", 5))).reason, reason)
          assert.strictEqual(warnings.length, 0)
        })))
  }

  it.effect("getMany leaves out a corrupt entry and keeps the others", () =>
    withWarnings((warnings) =>
      Effect.gen(function*() {
        const raw = yield* memory.make()
        yield* raw.set("a", new TextEncoder().encode("1"))
        yield* raw.set("bad", new TextEncoder().encode("not json"))
        yield* raw.set("c", new TextEncoder().encode("3"))
        const numbers = CacheDegrade.degradeToMiss(typed(raw, Schema.Number))
        const got = yield* numbers.getMany(["a", "bad", "c", "missing"])
        assert.deepStrictEqual([...got.entries()], [["a", 1], ["c", 3]])
        assert.isTrue(Option.isNone(yield* numbers.get("bad")))
        assert.strictEqual(warnings.length, 2)
        assert.include(warnings[0], "'bad'")
      })))

  it.effect("works as a layer over the Cache below it, passing successes through", () =>
    Effect.gen(function*() {
      const cache = yield* Cache
      yield* cache.set("k", bytes)
      assert.deepStrictEqual(Option.getOrThrow(yield* cache.get("k")), bytes)
      assert.strictEqual((yield* Effect.flip(cache.get(""))).reason, "InvalidKey")
    }).pipe(Effect.provide(CacheDegrade.layer().pipe(Layer.provide(memory.layer())))))

  it.effect("as a layer, degrades an unavailable backend", () =>
    Effect.gen(function*() {
      const cache = yield* Cache
      assert.isTrue(Option.isNone(yield* cache.get("k")))
    }).pipe(Effect.provide(CacheDegrade.layer().pipe(Layer.provide(Layer.succeed(Cache, failing("Unavailable")))))))
})
