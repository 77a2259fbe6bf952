/**
 * Azure Blob errors as `StorageError`s: HTTP status and Azure error code to a
 * reason, and a sentence that names the key, the container or the profile,
 * never a credential. The SDK error itself is not kept (it carries the signed
 * request); `cause` is a one-line summary of it.
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
export interface AzureErrorContext {
  readonly profile: string
  readonly container: string
  /** The account URL, already stripped of any query (see `printableEndpoint`). */
  readonly endpoint: string
}

const statusOf = (cause: unknown): number | undefined => {
  const status = (cause as { statusCode?: unknown } | null)?.statusCode
  return typeof status === "number" ? status : undefined
}

const codeOf = (cause: unknown): string | undefined => {
  const value = cause as { code?: unknown; details?: { errorCode?: unknown } } | null
  const code = value?.details?.errorCode ?? value?.code
  return typeof code === "string" ? code : undefined
}

/**
 * The `StorageError` for a failed Azure request on `key` (absent for
 * container-wide operations such as listings).
 *
 * @since 0.1.0
 * @category errors
 */
export const azureError = (
  cause: unknown,
  context: AzureErrorContext,
  operation: string,
  key?: string
): StorageError => {
  const status = statusOf(cause)
  const code = codeOf(cause)
  const what = key === undefined ? `the container '${context.container}'` : `'${key}'`
  const make = requestErrors(cause, { operation, key, profile: context.profile, status, code })
  if (status === undefined) {
    const network = networkCode(cause) ?? code ?? (cause instanceof Error ? cause.name : "no answer")
    return make("Unavailable", `The Azure endpoint ${context.endpoint} of profile '${context.profile}' could not be reached (${network}).`)
  }
  const detail = code === undefined ? `${status}` : `${status} ${code}`
  if (status === 401 || status === 403) {
    return make(
      "PermissionDenied",
      `Azure refused access to ${what} for profile '${context.profile}' (${detail}): check its account key, connection string or SAS token.`,
      true
    )
  }
  if (status === 404 && (code === "ContainerNotFound" || key === undefined)) {
    return make("NotFound", `The Azure container '${context.container}' of profile '${context.profile}' does not exist.`)
  }
  if (status === 404) return make("NotFound", `No object at '${key}'.`)
  if (status === 304) return make("NotModified", `The object ${what} still has the given etag.`)
  if (status === 412) return make("PreconditionFailed", `The object ${what} does not have the expected etag.`)
  if (status === 409 && code === "BlobAlreadyExists") return make("AlreadyExists", `The object ${what} already exists.`)
  if (status === 416) return make("InvalidRange", `The range lies past the end of ${what}.`)
  if (status === 408 || status === 429 || status >= 500) {
    return make("Unavailable", `Azure could not serve ${what} for profile '${context.profile}' right now (${detail}).`)
  }
  return make("Unsupported", `Azure refused the request on ${what} for profile '${context.profile}' (${detail}).`)
}
