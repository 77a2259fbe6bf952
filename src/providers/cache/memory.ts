/**
 * An in-memory `Cache`: least-recently-used eviction bounded by entry count
 * (`maxEntries`) and by total value bytes (`maxBytes`), values up to
 * `maxValueBytes`, TTLs on the Effect `Clock` (so `TestClock.adjust` drives
 * expiry in tests). The `Clock` is the one of the fiber that makes the cache
 * (builds the layer), looked up once: under `@effect/vitest` that is the
 * `TestClock`.
 *
 * - **Recency**: `get`, `getMany`, `set` and `touch` make a key the most
 *   recently used. Entries live in a `Map` and in a linked list in recency
 *   order (`memoryLru.ts`): O(1) per operation.
 * - **Eviction**: after a write, the least recently used entries go until
 *   both bounds hold. A value larger than `maxBytes` is refused with
 *   `ValueTooLarge` (the effective value limit is `min(maxValueBytes, maxBytes)`).
 * - **Expiry** is lazy: an expired entry is removed when an operation meets it
 *   (and does not count as present for `delete`/`deleteMany`/`touch`), or when
 *   eviction reaches it. It occupies its bytes until then, within the bounds.
 * - **Copies**: by default values are copied on the way in and on the way
 *   out, so callers may mutate the buffers they pass and receive. For small
 *   values the copy (an `ArrayBuffer` allocation) is most of the cost of an
 *   operation: `copyValues: false` shares buffers instead (see
 *   bench/README.md, "cache-memory").
 * - **Validation** (keys, values, TTLs) comes from `CacheKey` and happens
 *   before anything changes: a refused `setMany` writes nothing. Checks are
 *   pure, so they run when an operation's effect is made; running the effect
 *   only touches the store (one `Effect.sync`: the hot path).
 *
 * Each `make()`, and so each build of `layer`, is a fresh, empty cache.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Option, Schema } from "effect"
import type { Clock, Duration } from "effect"
import { Cache } from "../../services/Cache.ts"
import type { CacheError, CacheShape, SetOptions } from "../../services/Cache.ts"
import { firstKeyError, keyError, ttlError, ttlToMillis, validateValue } from "../../services/CacheKey.ts"
import { Lru } from "./memoryLru.ts"

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

/**
 * Options of the memory cache; every field has a default.
 *
 * @since 0.1.0
 * @category options
 */
export const MemoryCacheOptions = Schema.Struct({
  /** Most entries held; default 10,000. */
  maxEntries: Schema.optional(PositiveInt),
  /** Most value bytes held in total; default 256 MiB. */
  maxBytes: Schema.optional(PositiveInt),
  /** Largest single value; default 16 MiB (the Gestalt wire takes 4 to 64 MiB per message). */
  maxValueBytes: Schema.optional(PositiveInt),
  /**
   * Copy values on the way in and out (default true). With false the cache
   * keeps and returns the caller's buffers: several times faster for small
   * values, but neither the caller nor anyone it gets a value from may
   * mutate one afterwards.
   */
  copyValues: Schema.optional(Schema.Boolean)
})
/**
 * @since 0.1.0
 * @category options
 */
export type MemoryCacheOptions = typeof MemoryCacheOptions.Type

/**
 * The defaults of `MemoryCacheOptions`.
 *
 * @since 0.1.0
 * @category options
 */
export const defaults = {
  maxEntries: 10_000,
  maxBytes: 256 * 1024 * 1024,
  maxValueBytes: 16 * 1024 * 1024,
  copyValues: true
} as const

/**
 * A fresh, empty memory cache. Fails only when `options` are out of range
 * (a bound below 1 or not an integer).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: MemoryCacheOptions = {}): Effect.Effect<CacheShape, Schema.SchemaError> =>
  Effect.flatMap(
    Schema.decodeUnknownEffect(MemoryCacheOptions)(options),
    (decoded) => Effect.clockWith((clock) => Effect.succeed(makeUnsafe(decoded, clock)))
  )

/**
 * A layer of a fresh memory cache per build.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: MemoryCacheOptions = {}): Layer.Layer<Cache, Schema.SchemaError> =>
  Layer.effect(Cache, make(options))

/** The TTL in millis, `Infinity` for none, or NaN when invalid. */
const ttlOf = (ttl: SetOptions["ttl"]): number => (ttl === undefined ? Infinity : ttlToMillis(ttl))

const makeUnsafe = (options: MemoryCacheOptions, clock: Clock.Clock): CacheShape => {
  const maxEntries = options.maxEntries ?? defaults.maxEntries
  const maxBytes = options.maxBytes ?? defaults.maxBytes
  const maxValueBytes = Math.min(options.maxValueBytes ?? defaults.maxValueBytes, maxBytes)
  const copy: (value: Uint8Array) => Uint8Array = (options.copyValues ?? defaults.copyValues) ? (value) => value.slice() : (value) => value
  const store = new Lru(maxEntries, maxBytes)
  const expiry = (millis: number): number => millis === Infinity ? Infinity : clock.currentTimeMillisUnsafe() + millis

  // Every check is pure, so it runs when the effect is made; the effect itself only touches the store.
  const get = (key: string): Effect.Effect<Option.Option<Uint8Array>, CacheError> => {
    const invalid = keyError(key, "get")
    if (invalid !== undefined) return Effect.fail(invalid)
    return Effect.sync(() => {
      const entry = store.live(key, clock)
      return entry === undefined ? Option.none() : Option.some(copy(entry.value))
    })
  }

  const getMany = (keys: ReadonlyArray<string>): Effect.Effect<ReadonlyMap<string, Uint8Array>, CacheError> => {
    const invalid = firstKeyError(keys, "getMany")
    if (invalid !== undefined) return Effect.fail(invalid)
    return Effect.sync(() => {
      const found = new Map<string, Uint8Array>()
      for (const key of keys) {
        const entry = store.live(key, clock)
        if (entry !== undefined) found.set(key, copy(entry.value))
      }
      return found
    })
  }

  const set = (key: string, value: Uint8Array, options?: SetOptions): Effect.Effect<void, CacheError> => {
    const invalid = keyError(key, "set")
    if (invalid !== undefined) return Effect.fail(invalid)
    if (value.byteLength > maxValueBytes) return Effect.asVoid(validateValue(key, value, maxValueBytes, "set"))
    const millis = ttlOf(options?.ttl)
    if (Number.isNaN(millis)) return Effect.fail(ttlError(options?.ttl, "set", key))
    return Effect.sync(() => store.set(key, copy(value), expiry(millis)))
  }

  const setMany = (
    batch: ReadonlyArray<readonly [key: string, value: Uint8Array]>,
    options?: SetOptions
  ): Effect.Effect<void, CacheError> => {
    const invalid = firstKeyError(batch.map(([key]) => key), "setMany")
    if (invalid !== undefined) return Effect.fail(invalid)
    for (const [key, value] of batch) {
      if (value.byteLength > maxValueBytes) return Effect.asVoid(validateValue(key, value, maxValueBytes, "setMany"))
    }
    const millis = ttlOf(options?.ttl)
    if (Number.isNaN(millis)) return Effect.fail(ttlError(options?.ttl, "setMany", batch.map(([key]) => key).join("', '")))
    return Effect.sync(() => {
      const expiresAt = expiry(millis)
      for (const [key, value] of batch) store.set(key, copy(value), expiresAt)
    })
  }

  const del = (key: string): Effect.Effect<boolean, CacheError> => {
    const invalid = keyError(key, "delete")
    if (invalid !== undefined) return Effect.fail(invalid)
    return Effect.sync(() => {
      const entry = store.live(key, clock)
      if (entry !== undefined) store.remove(entry)
      return entry !== undefined
    })
  }

  const deleteMany = (keys: ReadonlyArray<string>): Effect.Effect<number, CacheError> => {
    const invalid = firstKeyError(keys, "deleteMany")
    if (invalid !== undefined) return Effect.fail(invalid)
    return Effect.sync(() => {
      let count = 0
      for (const key of keys) {
        const entry = store.live(key, clock)
        if (entry === undefined) continue
        store.remove(entry)
        count++
      }
      return count
    })
  }

  const touch = (key: string, ttl: Duration.Input): Effect.Effect<boolean, CacheError> => {
    const invalid = keyError(key, "touch")
    if (invalid !== undefined) return Effect.fail(invalid)
    const millis = ttlToMillis(ttl)
    if (Number.isNaN(millis)) return Effect.fail(ttlError(ttl, "touch", key))
    return Effect.sync(() => {
      const entry = store.live(key, clock)
      if (entry !== undefined) entry.expiresAt = expiry(millis)
      return entry !== undefined
    })
  }

  return Cache.of({ get, getMany, set, setMany, delete: del, deleteMany, touch })
}
