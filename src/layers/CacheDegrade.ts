/**
 * A cache that never fails its caller because the cache is broken: failures
 * of reason `Unavailable` (Redis down, disk full ...) and `Corrupt` (an entry
 * that cannot be read back) become misses and no-ops, each logged once as a
 * warning (and passed to `onError`, e.g. to count them):
 *
 * | operation | on Unavailable / Corrupt |
 * |---|---|
 * | get | none |
 * | getMany | the map without the corrupt key (asked again without it), or empty when unavailable |
 * | set, setMany | nothing written, success |
 * | delete, touch | false |
 * | deleteMany | 0 |
 *
 * `InvalidKey`, `ValueTooLarge` and `InvalidTtl` still fail: they are the
 * caller's bugs, and hiding them would hide the bug.
 *
 * ```ts
 * const CacheLive = CacheDegrade.layer().pipe(Layer.provide(RedisCache.layer(options)))
 * const sessions = degradeToMiss(typed(cache, Session)) // works on typed views too
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { Cache } from "../services/Cache.ts"
import type { CacheError } from "../services/Cache.ts"
import type { TypedCache } from "../services/CacheTyped.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface DegradeOptions {
  /** Called once per swallowed failure, after the warning is logged. */
  readonly onError?: ((error: CacheError) => Effect.Effect<void>) | undefined
}

/**
 * Whether a failure is the cache's (degraded to a miss) rather than the caller's.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDegradable = (error: CacheError): boolean => error.reason === "Unavailable" || error.reason === "Corrupt"

/**
 * `cache` (a `Cache` or a typed view of one) with `Unavailable` and `Corrupt`
 * failures turned into misses and no-ops.
 *
 * @since 0.1.0
 * @category constructors
 */
export const degradeToMiss = <A>(cache: TypedCache<A>, options: DegradeOptions = {}): TypedCache<A> => {
  const { onError } = options
  const report = (error: CacheError): Effect.Effect<void> => {
    const warn = Effect.logWarning(`Cache failure treated as a miss: ${error.message}`).pipe(
      Effect.annotateLogs({
        "cache.reason": error.reason,
        "cache.operation": error.operation ?? "unknown",
        "cache.key": error.key ?? ""
      })
    )
    return onError === undefined ? warn : Effect.andThen(warn, onError(error))
  }
  const orElse = <B, R>(effect: Effect.Effect<B, CacheError, R>, fallback: (error: CacheError) => Effect.Effect<B, CacheError, R>) =>
    Effect.catchIf(effect, isDegradable, (error) => Effect.andThen(report(error), fallback(error)))

  const getMany = (keys: ReadonlyArray<string>): Effect.Effect<ReadonlyMap<string, A>, CacheError> =>
    keys.length === 0 ? Effect.succeed(new Map<string, A>()) : orElse(cache.getMany(keys), (error) => {
      const bad = error.key
      // A corrupt entry: ask again without it (each round removes a key, so this ends).
      return error.reason === "Corrupt" && bad !== undefined && keys.includes(bad)
        ? getMany(keys.filter((key) => key !== bad))
        : Effect.succeed(new Map<string, A>())
    })

  return {
    get: (key) => orElse(cache.get(key), () => Effect.succeedNone),
    getMany,
    set: (key, value, setOptions) => orElse(cache.set(key, value, setOptions), () => Effect.void),
    setMany: (entries, setOptions) => orElse(cache.setMany(entries, setOptions), () => Effect.void),
    delete: (key) => orElse(cache.delete(key), () => Effect.succeed(false)),
    deleteMany: (keys) => orElse(cache.deleteMany(keys), () => Effect.succeed(0)),
    touch: (key, ttl) => orElse(cache.touch(key, ttl), () => Effect.succeed(false))
  }
}

/**
 * A layer that wraps the `Cache` below it with `degradeToMiss`:
 * `CacheDegrade.layer().pipe(Layer.provide(backend))`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: DegradeOptions = {}): Layer.Layer<Cache, never, Cache> =>
  Layer.effect(Cache, Cache.useSync((cache) => Cache.of(degradeToMiss(cache, options))))
