/**
 * S3 errors (AWS SDK exceptions, network failures, credentials failures) as
 * `StorageError`s whose messages name the object, the bucket or the profile,
 * never a secret. The SDK's own message is not repeated (the error code is):
 * the SDK error stays in `cause` for debugging.
 *
 * @since 0.1.0
 */
import { CredentialsError, credentialsStorageError } from "../../services/Credentials.ts"
import { StorageError } from "../../services/StorageProvider.ts"
import type { StorageErrorReason } from "../../services/StorageProvider.ts"

/**
 * What the message says about where the failure happened.
 *
 * @since 0.1.0
 * @category models
 */
export interface S3ErrorContext {
  readonly operation: string
  /** The key relative to the base path, as the caller gave it. */
  readonly key?: string | undefined
  readonly bucket: string
  readonly profile?: string | undefined
}

const fieldOf = (cause: unknown, name: string): unknown =>
  typeof cause === "object" && cause !== null && name in cause ? (cause as Record<string, unknown>)[name] : undefined

/**
 * The S3 error code (`NoSuchKey`, `AccessDenied` ...) or Node error code
 * (`ECONNREFUSED` ...) of a failure, and its HTTP status when there was a
 * response.
 *
 * @since 0.1.0
 * @category errors
 */
export const codeAndStatus = (cause: unknown): readonly [string, number | undefined] => {
  const metadata = fieldOf(cause, "$metadata")
  const status = fieldOf(metadata, "httpStatusCode")
  const code = fieldOf(cause, "Code") ?? fieldOf(cause, "code") ?? fieldOf(cause, "name")
  return [typeof code === "string" ? code : "UnknownError", typeof status === "number" ? status : undefined]
}

const DENIED = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "AllAccessDisabled",
  "AccountProblem"
])

const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "ConditionalRequestConflict"
])

const reasonOf = (code: string, status: number | undefined): StorageErrorReason => {
  if (code === "NoSuchKey" || code === "NoSuchBucket" || code === "NotFound" || status === 404) return "NotFound"
  if (code === "PreconditionFailed" || status === 412) return "PreconditionFailed"
  if (code === "NotModified" || status === 304) return "NotModified"
  if (code === "InvalidRange" || status === 416) return "InvalidRange"
  if (DENIED.has(code) || status === 401 || status === 403) return "PermissionDenied"
  if (UNAVAILABLE.has(code) || status === undefined || status >= 500 || status === 409 || status === 429) {
    return code === "NotImplemented" ? "Unsupported" : "Unavailable"
  }
  return "Unsupported"
}

const where = (context: S3ErrorContext): string =>
  context.key === undefined ? `bucket '${context.bucket}'` : `'${context.key}' (bucket '${context.bucket}')`

const sentence = (reason: StorageErrorReason, code: string, context: S3ErrorContext): string => {
  const profile = context.profile === undefined ? "" : ` for profile '${context.profile}'`
  switch (reason) {
    case "NotFound":
      return code === "NoSuchBucket"
        ? `The bucket '${context.bucket}' does not exist${profile}.`
        : `No object at ${where(context)}.`
    case "PreconditionFailed":
      return `The object ${where(context)} does not match the expected etag.`
    case "NotModified":
      return `The object ${where(context)} still has the given etag.`
    case "InvalidRange":
      return `The range lies past the end of ${where(context)}.`
    case "PermissionDenied":
      return `S3 denied ${context.operation} of ${where(context)}${profile} (${code}); check the profile's credentials and the bucket's policy.`
    case "Unavailable":
      return `S3 could not be reached for ${context.operation} of ${where(context)}${profile} (${code}).`
    default:
      return `S3 refused ${context.operation} of ${where(context)}${profile} (${code}).`
  }
}

/** The SDK's own set-up failures (no region, no credentials anywhere), said as what to do. */
const setupProblem = (cause: unknown, context: S3ErrorContext): StorageError | undefined => {
  const text = cause instanceof Error ? cause.message : ""
  const profile = context.profile === undefined ? "this provider" : `profile '${context.profile}'`
  const make = (reason: StorageErrorReason, message: string) =>
    new StorageError({ reason, operation: context.operation, ...(context.key === undefined ? {} : { key: context.key }), message, cause })
  if (text.includes("Region is missing")) {
    return make("Unsupported", `No region is set for ${profile} (bucket '${context.bucket}'): set region_name, or AWS_REGION.`)
  }
  if (fieldOf(cause, "name") === "CredentialsProviderError") {
    return make(
      "PermissionDenied",
      `No credentials were found for ${profile} (bucket '${context.bucket}'): give it a credentials_provider, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`
    )
  }
  return undefined
}

/**
 * The `StorageError` for a failed S3 call. The profile is named in the
 * message where it helps (credentials), but the `profile` field is left to
 * the client, which adds the URL when it sets it.
 *
 * @since 0.1.0
 * @category errors
 */
export const s3Error = (cause: unknown, context: S3ErrorContext): StorageError => {
  if (cause instanceof StorageError) return cause
  if (cause instanceof CredentialsError) {
    return credentialsStorageError(cause, { ...context, purpose: `${context.operation} of ${where(context)}` })
  }
  const [code, status] = codeAndStatus(cause)
  const setup = setupProblem(cause, context)
  if (setup !== undefined) return setup
  const reason = reasonOf(code, status)
  return new StorageError({
    reason,
    operation: context.operation,
    ...(context.key === undefined ? {} : { key: context.key }),
    message: sentence(reason, code, context),
    cause
  })
}
