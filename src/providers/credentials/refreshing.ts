/**
 * A wrapper that keeps another credentials provider's credentials fresh:
 * `get` serves the cached credentials until they come within `renewBefore`
 * (5 minutes by default, as the AWS SDK does) of their expiration, then asks
 * the inner provider to `refresh` and caches what it gives. Concurrent callers
 * share one renewal: they queue on a lock, and whoever finds that another
 * caller renewed while it waited takes those credentials instead of renewing
 * again (the same for concurrent explicit `refresh` calls).
 *
 * Time is the Effect `Clock`, so tests drive it with `TestClock`.
 *
 * @since 0.1.0
 */
import { Clock, Duration, Effect, Layer, Semaphore } from "effect"
import { CredentialsError, CredentialsProvider, isExpired } from "../../services/Credentials.ts"
import type { Credentials, CredentialsProviderShape } from "../../services/Credentials.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface RefreshingOptions {
  /** How long before the expiration to renew; 5 minutes by default. */
  readonly renewBefore?: Duration.Input | undefined
}

/**
 * Wraps `inner` with caching and renewal before expiry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const refreshing = (
  inner: CredentialsProviderShape,
  options: RefreshingOptions = {}
): Effect.Effect<CredentialsProviderShape> =>
  Effect.map(Semaphore.make(1), (lock) => {
    const margin = Duration.toMillis(options.renewBefore ?? "5 minutes")
    let cached: Credentials | undefined
    /** Counts renewals, so a caller that waited can tell that another one renewed. */
    let generation = 0

    const due = (credentials: Credentials, now: number) =>
      credentials.expiration !== undefined && credentials.expiration.getTime() - margin <= now

    /** Renews unless a renewal happened since the caller saw `seen`. */
    const renew = (seen: number): Effect.Effect<Credentials, CredentialsError> =>
      Semaphore.withPermit(lock, Effect.gen(function*() {
        if (generation !== seen && cached !== undefined) return cached
        let fresh: Credentials
        if (cached === undefined) {
          // First use: the inner provider's current credentials may do.
          fresh = yield* inner.get
          if (due(fresh, yield* Clock.currentTimeMillis)) fresh = yield* Effect.andThen(inner.refresh, inner.get)
        } else {
          fresh = yield* Effect.andThen(inner.refresh, inner.get)
        }
        if (isExpired(fresh, yield* Clock.currentTimeMillis)) {
          return yield* new CredentialsError({
            reason: "Expired",
            message: `The renewed credentials expired already (at ${fresh.expiration?.toISOString()}).`
          })
        }
        cached = fresh
        generation++
        return fresh
      }))

    const get = Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Credentials, CredentialsError> => {
      const current = cached
      return current !== undefined && !due(current, now) ? Effect.succeed(current) : renew(generation)
    })

    return { get, refresh: Effect.asVoid(Effect.suspend(() => renew(generation))) }
  })

/**
 * The inner layer's provider, refreshing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: RefreshingOptions = {}): Layer.Layer<CredentialsProvider, never, CredentialsProvider> =>
  Layer.effect(CredentialsProvider, Effect.gen(function*() {
    return yield* refreshing(yield* CredentialsProvider, options)
  }))
