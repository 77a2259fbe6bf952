/**
 * Retries of storage operations, as a wrapping layer: `withRetries` takes a
 * provider and gives back one that tries again after failures with reason
 * `Unavailable` (the only retryable one), waiting
 * `delay × backoffMultiplier^k + uniform(0, jitter)` seconds before retry `k`
 * (0-based), as MSC does. Other failures (NotFound, PreconditionFailed ...)
 * come back at once. When every attempt failed, the last error comes back
 * with "(gave up after N attempts)" added to its message.
 *
 * What is never retried, because a second attempt could do harm or lie:
 * - a **conditional put or delete** (`ifMatch`, `ifNoneMatch`): an
 *   `Unavailable` failure may come after the write applied, and a retry would
 *   then fail with `PreconditionFailed`/`AlreadyExists` about our own write;
 * - a **put whose streamed body was already pulled from**: a `Stream` may be
 *   a one-shot source (a socket, a file being read), so what was consumed
 *   cannot be replayed. A streamed put is retried only when it failed before
 *   its first chunk was taken; pass bytes (a `Uint8Array`) to make every
 *   attempt replayable;
 * - a **read stream that already emitted bytes**, unless the read is pinned
 *   to one version with `ifMatch` and the provider reads ranges: then it
 *   resumes from the next byte (the client's downloads and copies pin their
 *   reads), so the consumer sees each byte once and of one version;
 * - a **listing that already emitted entries with `includeDirectories`**
 *   (plain listings resume after the last key, S3 order makes that exact).
 *
 * An unconditional delete is retried; if an earlier attempt applied, the
 * retry fails with `NotFound`, which is the truth the caller is told.
 *
 * Interruption: the waits are interruptible, and interrupting a retried
 * operation stops it. A timeout belongs inside the retry (closer to the
 * provider) so that one slow attempt is cut and retried, not the whole
 * sequence; strata has no timeout layer yet.
 *
 * In a profile's stack (`provider -> retry -> instrumentation -> read
 * cache`) the instrumentation sees one operation per call, however many
 * attempts it took; each wait is a span `StorageRetry.wait`.
 *
 * @since 0.1.0
 */
import { Effect, Random, Stream } from "effect"
import type { RetryConfig } from "../services/StorageConfig.ts"
import { DEFAULT_RETRY } from "../services/StorageConfig.ts"
import { StorageError } from "../services/StorageProvider.ts"
import type {
  Body,
  ByteRange,
  ListOptions,
  ObjectMetadata,
  PutOptions,
  ReadOptions,
  StorageProviderShape
} from "../services/StorageProvider.ts"
import type { ProviderWrap } from "./storage/profiles.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retries). */
  readonly attempts: number
  /** Seconds before the first retry. */
  readonly delaySeconds: number
  /** Each further wait is this many times the previous one (before jitter). */
  readonly backoffMultiplier: number
  /** Up to this many seconds are added at random to each wait (MSC: 1). */
  readonly jitterSeconds: number
}

/**
 * MSC's jitter: a uniform 0..1 s added to every wait.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_JITTER_SECONDS = 1

/**
 * The policy of a profile's `retry` section (MSC's defaults when absent).
 *
 * @since 0.1.0
 * @category constructors
 */
export const policyFromConfig = (config: RetryConfig | undefined): RetryPolicy => {
  const retry = config ?? DEFAULT_RETRY
  return {
    attempts: retry.attempts,
    delaySeconds: retry.delay,
    backoffMultiplier: retry.backoff_multiplier,
    jitterSeconds: DEFAULT_JITTER_SECONDS
  }
}

/**
 * The wait before retry `retry` (0-based), in milliseconds, for a random
 * draw `unit` in [0, 1).
 *
 * @since 0.1.0
 * @category schedule
 */
export const waitMillis = (policy: RetryPolicy, retry: number, unit: number): number =>
  (policy.delaySeconds * policy.backoffMultiplier ** retry + policy.jitterSeconds * unit) * 1000

const exhausted = (error: StorageError, attempts: number): StorageError =>
  attempts <= 1 ? error : new StorageError({
    reason: error.reason,
    message: `${error.message.replace(/\.$/, "")} (gave up after ${attempts} attempts).`,
    ...(error.operation === undefined ? {} : { operation: error.operation }),
    ...(error.key === undefined ? {} : { key: error.key }),
    ...(error.profile === undefined ? {} : { profile: error.profile }),
    ...(error.cause === undefined ? {} : { cause: error.cause })
  })

/** The range still to read after `done` bytes of `range` arrived. */
const rest = (range: ByteRange | undefined, done: number): ByteRange => {
  const offset = (range?.offset ?? 0) + done
  return range?.length === undefined ? { offset } : { offset, length: range.length - done }
}

/**
 * Wraps a provider with retries of `Unavailable` failures.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRetries = (provider: StorageProviderShape, policy: RetryPolicy): StorageProviderShape => {
  /** Waits before retry `retry` (0-based) of `operation`, logging why. */
  const wait = (operation: string, key: string, retry: number, error: StorageError) =>
    Effect.flatMap(Random.next, (unit) => {
      const millis = waitMillis(policy, retry, unit)
      return Effect.logWarning(
        `Retrying ${operation} of '${key}' in ${Math.round(millis)} ms (attempt ${retry + 2} of ${policy.attempts}): ${error.message}`
      ).pipe(
        Effect.andThen(Effect.sleep(millis)),
        Effect.withSpan("StorageRetry.wait", {
          attributes: { "strata.storage.key": key, "strata.retry.attempt": retry + 2, "strata.retry.wait_ms": millis }
        })
      )
    })

  const retried = <A, E>(
    operation: string,
    key: string,
    attempt: (retry: number) => Effect.Effect<A, E | StorageError>,
    replayable: () => boolean = () => true
  ): Effect.Effect<A, E | StorageError> => {
    const loop = (retry: number): Effect.Effect<A, E | StorageError> =>
      attempt(retry).pipe(Effect.catchIf(
        (error): error is StorageError => error instanceof StorageError && error.retryable,
        (error) =>
          retry + 1 >= policy.attempts || !replayable()
            ? Effect.fail(exhausted(error, retry + 1))
            : Effect.andThen(wait(operation, key, retry, error), loop(retry + 1))
      ))
    return policy.attempts <= 1 ? attempt(0) : loop(0)
  }

  const read = (key: string, options: ReadOptions = {}): Stream.Stream<Uint8Array, StorageError> => {
    const resumable = options.ifMatch !== undefined && provider.capabilities.rangeRead
    const from = (retry: number, done: number): Stream.Stream<Uint8Array, StorageError> =>
      Stream.suspend(() => {
        let sent = 0
        const opened = provider.read(key, done === 0 ? options : { ...options, range: rest(options.range, done) })
        return opened.pipe(
          Stream.mapArray((chunk) => {
            for (const bytes of chunk) sent += bytes.byteLength
            return chunk
          }),
          Stream.catchIf(
            (error) => error.retryable,
            (error) =>
              retry + 1 >= policy.attempts || (done + sent > 0 && !resumable)
                ? Stream.fail(exhausted(error, retry + 1))
                : Stream.unwrap(Effect.as(wait("read", key, retry, error), from(retry + 1, done + sent)))
          )
        )
      })
    return from(0, 0)
  }

  const list = (options: ListOptions = {}): Stream.Stream<ObjectMetadata, StorageError> => {
    const from = (retry: number, after: string | undefined): Stream.Stream<ObjectMetadata, StorageError> =>
      Stream.suspend(() => {
        let last = after
        return provider.list(after === undefined ? options : { ...options, startAfter: after }).pipe(
          Stream.mapArray((chunk) => {
            for (const entry of chunk) last = entry.key
            return chunk
          }),
          Stream.catchIf(
            (error) => error.retryable,
            (error) =>
              retry + 1 >= policy.attempts || (last !== after && options.includeDirectories === true)
                ? Stream.fail(exhausted(error, retry + 1))
                : Stream.unwrap(Effect.as(wait("list", options.prefix ?? "", retry, error), from(retry + 1, last)))
          )
        )
      })
    return from(0, options.startAfter)
  }

  const put = <E = never>(key: string, body: Body<E>, options?: PutOptions) => {
    if (options?.ifMatch !== undefined || options?.ifNoneMatch !== undefined) return provider.put(key, body, options)
    if (body instanceof Uint8Array) return retried("put", key, () => provider.put(key, body, options))
    let pulled = false
    const watched = Stream.mapArray(body, (chunk) => {
      pulled = true
      return chunk
    })
    return retried("put", key, () => provider.put(key, watched, options), () => !pulled)
  }

  return {
    type: provider.type,
    capabilities: provider.capabilities,
    head: (key) => retried("head", key, () => provider.head(key)),
    read,
    getBytes: (key, options) => retried("getBytes", key, () => provider.getBytes(key, options)),
    put,
    delete: (key, options) =>
      options?.ifMatch === undefined ? retried("delete", key, () => provider.delete(key, options)) : provider.delete(key, options),
    copy: (source, target) => retried("copy", source, () => provider.copy(source, target)),
    list
  }
}

/**
 * A `ProviderWrap` giving every profile retries by its `retry` section, or
 * MSC's defaults (3 attempts, 1 s, ×2) when it has none.
 *
 * @since 0.1.0
 * @category constructors
 */
export const retryWrap: ProviderWrap = (_profile, profileConfig, provider) =>
  Effect.succeed(withRetries(provider, policyFromConfig(profileConfig.retry)))
