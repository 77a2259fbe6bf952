/**
 * Input checks shared by every cache provider, so that memory, disk, Redis and
 * remote caches refuse the same keys, values and TTLs with the same errors:
 *
 * - a **key** is any non-empty string of at most `MAX_KEY_BYTES` (1024) UTF-8
 *   bytes that is well formed (no lone surrogate: it must survive UTF-8 round
 *   trips on the wire and on disk). Spaces, colons, "/" and any Unicode are
 *   fine; keys are opaque, never paths.
 * - a **value** is at most the provider's `maxValueBytes`.
 * - a **TTL** is a positive, finite duration; it is rounded up to whole
 *   milliseconds (so "1 nano" is 1 ms, never 0 = no expiry). No TTL means no
 *   expiry.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option } from "effect"
import { CacheError } from "./Cache.ts"

/**
 * The longest key, in UTF-8 bytes.
 *
 * @since 0.1.0
 * @category validation
 */
export const MAX_KEY_BYTES = 1024

/** UTF-8 length of a well-formed string, without encoding it. */
const utf8Length = (s: string): number => {
  let bytes = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

const problemOf = (key: string): string | undefined => {
  if (key.length === 0) return "The cache key is empty."
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short keys need no counting.
  if (key.length * 3 > MAX_KEY_BYTES && utf8Length(key) > MAX_KEY_BYTES) {
    return `The cache key '${key.slice(0, 40)}...' is ${utf8Length(key)} bytes long, over the limit of ${MAX_KEY_BYTES} bytes.`
  }
  if (!key.isWellFormed()) return `The cache key '${key.toWellFormed()}' contains a lone surrogate (it is not valid Unicode).`
  return undefined
}

/**
 * The `InvalidKey` error of an unusable key, undefined for a usable one: the
 * pure core of `validateKey`, for hot paths and batches.
 *
 * @since 0.1.0
 * @category validation
 */
export const keyError = (key: string, operation: string): CacheError | undefined => {
  const problem = problemOf(key)
  return problem === undefined ? undefined : new CacheError({ reason: "InvalidKey", operation, key, message: problem })
}

/**
 * The error of the first unusable key of a batch, or undefined (one pass, no
 * Effect per key: batch calls are hot paths).
 *
 * @since 0.1.0
 * @category validation
 */
export const firstKeyError = (keys: ReadonlyArray<string>, operation: string): CacheError | undefined => {
  for (const key of keys) {
    const error = keyError(key, operation)
    if (error !== undefined) return error
  }
  return undefined
}

/**
 * Fails with the first unusable key of a batch.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateKeys = (keys: ReadonlyArray<string>, operation: string): Effect.Effect<void, CacheError> => {
  const error = firstKeyError(keys, operation)
  return error === undefined ? Effect.void : Effect.fail(error)
}

/**
 * The key itself when usable, an `InvalidKey` error naming it otherwise.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateKey = (key: string, operation: string): Effect.Effect<string, CacheError> => {
  const error = keyError(key, operation)
  return error === undefined ? Effect.succeed(key) : Effect.fail(error)
}

/**
 * The value itself when it fits, a `ValueTooLarge` error naming the key, the
 * size and the limit otherwise.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateValue = (
  key: string,
  value: Uint8Array,
  maxValueBytes: number,
  operation: string
): Effect.Effect<Uint8Array, CacheError> =>
  value.byteLength <= maxValueBytes
    ? Effect.succeed(value)
    : Effect.fail(
      new CacheError({
        reason: "ValueTooLarge",
        operation,
        key,
        message: `The value for cache key '${key}' is ${value.byteLength} bytes, over the limit of ${maxValueBytes} bytes.`
      })
    )

/**
 * Checks every key and value of a batch write before anything is written: the
 * first unusable key (`InvalidKey`) or oversized value (`ValueTooLarge`) fails.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateEntries = (
  entries: ReadonlyArray<readonly [key: string, value: Uint8Array]>,
  maxValueBytes: number,
  operation: string
): Effect.Effect<void, CacheError> =>
  Effect.forEach(entries, ([key, value]) =>
    Effect.andThen(validateKey(key, operation), validateValue(key, value, maxValueBytes, operation)), {
    discard: true
  })

/**
 * A TTL in whole milliseconds (rounded up), undefined for no TTL, or an
 * `InvalidTtl` error naming the key when it is not positive and finite.
 *
 * @since 0.1.0
 * @category validation
 */
export const ttlMillis = (
  ttl: Duration.Input | undefined,
  operation: string,
  key: string
): Effect.Effect<number | undefined, CacheError> => {
  if (ttl === undefined) return Effect.succeed(undefined)
  const millis = ttlToMillis(ttl)
  return Number.isNaN(millis) ? Effect.fail(ttlError(ttl, operation, key)) : Effect.succeed(millis)
}

/**
 * The `InvalidTtl` error of a TTL that `ttlToMillis` refused.
 *
 * @since 0.1.0
 * @category validation
 */
export const ttlError = (ttl: Duration.Input | undefined, operation: string, key: string): CacheError =>
  new CacheError({
    reason: "InvalidTtl",
    operation,
    key,
    message: `The TTL ${String(ttl)} for cache key '${key}' is not a positive, finite duration.`
  })

// A program passes the same TTL text ("5 minutes") again and again: parse it once.
let lastTtlText: string | undefined
let lastTtlMillis = Number.NaN

/**
 * The TTL in whole milliseconds (rounded up), or NaN when it is not a
 * positive, finite duration: the pure core of `ttlMillis`, for hot paths.
 *
 * @since 0.1.0
 * @category validation
 */
export const ttlToMillis = (ttl: Duration.Input): number => {
  let millis: number
  if (typeof ttl === "number") millis = ttl
  else if (ttl === lastTtlText) return lastTtlMillis
  else if (typeof ttl === "string") {
    const duration = Duration.fromInput(ttl)
    millis = Option.isSome(duration) ? Duration.toMillis(duration.value) : Number.NaN
    lastTtlText = ttl
    lastTtlMillis = millis > 0 && Number.isFinite(millis) ? Math.ceil(millis) : Number.NaN
    return lastTtlMillis
  } else {
    const duration = Duration.fromInput(ttl)
    millis = Option.isSome(duration) ? Duration.toMillis(duration.value) : Number.NaN
  }
  return millis > 0 && Number.isFinite(millis) ? Math.ceil(millis) : Number.NaN
}
