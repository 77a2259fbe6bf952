/**
 * Helpers of the `Cache` behaviour suite: fixtures under a unique key prefix,
 * byte helpers, assertions on `CacheError`s, and a way to let time pass that
 * works on the test clock and on the real one.
 *
 * @since 0.1.0
 */
import { assert } from "@effect/vitest"
import { Effect, Option, Result } from "effect"
import type { Duration } from "effect"
import { TestClock } from "effect/testing"
import { Cache } from "../services/Cache.ts"
import type { CacheError, CacheErrorReason, CacheShape } from "../services/Cache.ts"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * UTF-8 bytes of a string.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const bytesOf = (text: string): Uint8Array => encoder.encode(text)

/**
 * A string from UTF-8 bytes.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const textOf = (bytes: Uint8Array): string => decoder.decode(bytes)

/**
 * `size` bytes of a repeating pattern that covers every byte value.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const patternBytes = (size: number): Uint8Array => {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >>> 8)) & 0xff
  return out
}

/**
 * What a test body gets: the cache and a fresh key prefix.
 *
 * @since 0.1.0
 * @category fixtures
 */
export interface CacheFixture {
  readonly cache: CacheShape
  /** A key under this test's own prefix (recorded, and deleted when the test ends). */
  readonly at: (name: string) => string
}

/**
 * Runs `body` with a fresh key prefix; the keys it made with `at` are deleted
 * when the test ends (best effort), so the suite can run against a shared
 * backend.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const withKeys = <A, E>(body: (fixture: CacheFixture) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const cache = yield* Cache
    const prefix = `strata-cache-suite:${crypto.randomUUID()}:`
    const used = new Set<string>()
    yield* Effect.addFinalizer(() => Effect.ignore(Effect.suspend(() => cache.deleteMany([...used]))))
    return yield* body({
      cache,
      at: (name) => {
        const key = `${prefix}${name}`
        used.add(key)
        return key
      }
    })
  })

/**
 * Asserts that `effect` fails with a `CacheError` of `reason`; returns it.
 *
 * @since 0.1.0
 * @category assertions
 */
export const expectCacheError = <A>(
  effect: Effect.Effect<A, CacheError>,
  reason: CacheErrorReason,
  what: string
): Effect.Effect<CacheError> =>
  Effect.flatMap(Effect.result(effect), (result) => {
    if (Result.isSuccess(result)) {
      return Effect.die(new Error(`${what}: expected a CacheError with reason ${reason}, but it succeeded`))
    }
    const error = result.failure
    assert.strictEqual(error._tag, "CacheError", `${what}: the error is a CacheError`)
    assert.strictEqual(error.reason, reason, `${what}: reason (message: ${error.message})`)
    assert.isAbove(error.message.length, 0, `${what}: the error has a message`)
    return Effect.succeed(error)
  })

/**
 * The text stored at `key`, or undefined when absent.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const getText = (cache: CacheShape, key: string): Effect.Effect<string | undefined, CacheError> =>
  Effect.map(cache.get(key), (value) => Option.getOrUndefined(Option.map(value, textOf)))

/**
 * Lets `duration` pass: `TestClock.adjust` on the test clock, a real sleep
 * otherwise.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const elapse = (realTime: boolean, duration: Duration.Input): Effect.Effect<void> =>
  realTime ? Effect.sleep(duration) : TestClock.adjust(duration)

/**
 * Bytes as an array of numbers, for readable assertion diffs.
 *
 * @since 0.1.0
 * @category assertions
 */
export const sameBytes = (actual: Uint8Array, expected: Uint8Array, what: string): void => {
  assert.strictEqual(actual.byteLength, expected.byteLength, `${what}: length`)
  for (let i = 0; i < expected.byteLength; i++) {
    if (actual[i] !== expected[i]) assert.fail(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`)
  }
}
