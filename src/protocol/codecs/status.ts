/**
 * gRPC statuses as values: `RpcError` is what a client sees when a call
 * fails (the status code, the method and a sentence), and what a server
 * handler fails with to answer a call with that status.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The gRPC status codes strata uses, by name.
 *
 * @since 0.1.0
 * @category models
 */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16
} as const

const NAMES: ReadonlyArray<string> = Object.keys(Code)

/**
 * `NOT_FOUND` for 5, `code 42` for a code outside the table.
 *
 * @since 0.1.0
 * @category models
 */
export const codeName = (code: number): string => NAMES[code] ?? `code ${code}`

/**
 * A failed call. `message` is a sentence for people; `code` says what kind
 * of failure it was; `method` names the call (`Cache.Get`); `details` are
 * optional machine-readable facts a strata peer sends in the trailers
 * (`strata-reason`).
 *
 * @since 0.1.0
 * @category errors
 */
export class RpcError extends Schema.TaggedError<RpcError>()("RpcError", {
  code: Schema.Number,
  method: Schema.String,
  message: Schema.String,
  reason: Schema.optional(Schema.String)
}) {}

/**
 * Peers built on connect-node percent-encode `grpc-message`, and grpc-js
 * leaves some escapes in place: decode what is left, keep what is not an
 * escape.
 *
 * @since 0.1.0
 * @category codecs
 */
export const decodeStatusMessage = (message: string): string => {
  if (!message.includes("%")) return message
  try {
    return decodeURIComponent(message)
  } catch {
    return message
  }
}

/**
 * The metadata key of the machine-readable reason a strata server adds to an
 * error status (a `CacheError` reason, for example).
 *
 * @since 0.1.0
 * @category protocol
 */
export const REASON_KEY = "strata-reason"
