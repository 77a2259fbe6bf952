/**
 * Google Cloud Storage errors as `StorageError`s: HTTP status to a reason,
 * and a sentence naming the key, the bucket or the profile, never a token.
 * The SDK error is not kept (it carries the request); `cause` is a summary.
 *
 * @since 0.1.0
 */
import type { StorageError } from "../../services/StorageProvider.ts"
import { networkCode, requestErrors } from "./cloudErrors.ts"

/**
 * What an error message may name.
 *
 * @since 0.1.0
 * @category models
 */
export interface GcsErrorContext {
  readonly profile: string
  readonly bucket: string
  /** The API endpoint, without query or user info. */
  readonly endpoint: string
}

const statusOf = (cause: unknown): number | undefined => {
  const value = cause as { code?: unknown; status?: unknown; response?: { status?: unknown } } | null
  for (const candidate of [value?.code, value?.status, value?.response?.status]) {
    if (typeof candidate === "number" && candidate >= 100) return candidate
  }
  return undefined
}

/**
 * The `StorageError` for a failed GCS request on `key` (absent for
 * bucket-wide operations such as listings).
 *
 * @since 0.1.0
 * @category errors
 */
export const gcsError = (cause: unknown, context: GcsErrorContext, operation: string, key?: string): StorageError => {
  const status = statusOf(cause)
  const text = cause instanceof Error ? cause.message : ""
  const what = key === undefined ? `the bucket '${context.bucket}'` : `'${key}'`
  const make = requestErrors(cause, { operation, key, profile: context.profile, status })
  if (status === undefined) {
    const network = networkCode(cause) ?? (cause instanceof Error ? cause.name : "no answer")
    return make("Unavailable", `The GCS endpoint ${context.endpoint} of profile '${context.profile}' could not be reached (${network}).`)
  }
  if (status === 401 || status === 403) {
    return make(
      "PermissionDenied",
      `GCS refused access to ${what} for profile '${context.profile}' (${status}): check its credentials.`,
      true
    )
  }
  if (status === 404 && (key === undefined || /bucket/i.test(text))) {
    return make("NotFound", `The GCS bucket '${context.bucket}' of profile '${context.profile}' does not exist.`)
  }
  if (status === 404) return make("NotFound", `No object at '${key}'.`)
  if (status === 304) return make("NotModified", `The object ${what} still has the given etag.`)
  if (status === 412) return make("PreconditionFailed", `The object ${what} does not have the expected etag.`)
  if (status === 416) return make("InvalidRange", `The range lies past the end of ${what}.`)
  if (status === 408 || status === 429 || status >= 500) {
    return make("Unavailable", `GCS could not serve ${what} for profile '${context.profile}' right now (${status}).`)
  }
  return make("Unsupported", `GCS refused the request on ${what} for profile '${context.profile}' (${status}).`)
}
