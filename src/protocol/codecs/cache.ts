/**
 * Between the `Cache` service's values and the Gestalt cache wire: TTLs as
 * `google.protobuf.Duration` (absent or zero means no expiry) and
 * `CacheError`s as statuses. A strata peer also sends the error's reason in
 * the trailers, so that a remote cache fails exactly like a local one; a
 * Gestalt peer's status is mapped by its code.
 *
 * @since 0.1.0
 */
import type { Duration } from "@bufbuild/protobuf/wkt"
import { DurationSchema } from "@bufbuild/protobuf/wkt"
import { create } from "@bufbuild/protobuf"
import { Schema } from "effect"
import { CacheError, CacheErrorReason } from "../../services/Cache.ts"
import { Code, RpcError } from "./status.ts"

/**
 * A positive TTL in milliseconds as a Duration.
 *
 * @since 0.1.0
 * @category codecs
 */
export const durationOfMillis = (millis: number): Duration =>
  create(DurationSchema, { seconds: BigInt(Math.floor(millis / 1000)), nanos: (millis % 1000) * 1_000_000 })

/**
 * A Duration in milliseconds, rounded up (so 1 ns is 1 ms, never 0): 0 for
 * an absent or zero Duration, negative for a negative one.
 *
 * @since 0.1.0
 * @category codecs
 */
export const millisOfDuration = (duration: Duration | undefined): number => {
  if (duration === undefined) return 0
  const millis = Number(duration.seconds) * 1000 + duration.nanos / 1_000_000
  return millis > 0 ? Math.ceil(millis) : millis < 0 ? Math.floor(millis) : 0
}

const codeOfReason = (reason: CacheErrorReason): number => {
  switch (reason) {
    case "InvalidKey":
    case "InvalidTtl":
    case "ValueTooLarge":
      return Code.INVALID_ARGUMENT
    case "Unavailable":
      return Code.UNAVAILABLE
    case "Corrupt":
      return Code.DATA_LOSS
  }
}

/**
 * The status a cache server answers a `CacheError` with.
 *
 * @since 0.1.0
 * @category codecs
 */
export const rpcErrorOfCacheError = (method: string, error: CacheError): RpcError =>
  new RpcError({ code: codeOfReason(error.reason), method, message: error.message, reason: error.reason })

const isReason = Schema.is(CacheErrorReason)

const reasonOfCode = (code: number): CacheErrorReason => {
  switch (code) {
    case Code.INVALID_ARGUMENT:
      return "InvalidKey"
    case Code.RESOURCE_EXHAUSTED:
      return "ValueTooLarge"
    case Code.DATA_LOSS:
      return "Corrupt"
    default:
      return "Unavailable"
  }
}

/**
 * The `CacheError` of a failed remote cache call.
 *
 * @since 0.1.0
 * @category codecs
 */
export const cacheErrorOfRpcError = (operation: string, error: RpcError, key?: string): CacheError =>
  new CacheError({
    reason: isReason(error.reason) ? error.reason : reasonOfCode(error.code),
    operation,
    message: error.message,
    ...(key === undefined ? {} : { key }),
    cause: error
  })
