/**
 * Error pieces shared by the cloud object-store providers: endpoint URLs fit
 * for a message, and causes that keep what helps debugging and drop what
 * could carry a secret (request headers, signed URLs).
 *
 * @since 0.1.0
 */
import { StorageError } from "../../services/StorageProvider.ts"
import type { StorageErrorReason } from "../../services/StorageProvider.ts"

/**
 * An endpoint URL fit for a message: no query (a SAS token lives there), no
 * user info.
 *
 * @since 0.1.0
 * @category errors
 */
export const printableEndpoint = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/$/, "")}`
  } catch {
    return "(an endpoint URL that does not parse)"
  }
}

/**
 * A backend error reduced to its class, status, code and message, for the
 * `cause` of a `StorageError`: SDK errors carry the request (headers with
 * signatures, URLs with tokens), which must not travel further.
 *
 * @since 0.1.0
 * @category errors
 */
export const safeCause = (cause: unknown, fields: { readonly status?: number | undefined; readonly code?: string | undefined }): Error => {
  const name = cause instanceof Error ? cause.name : typeof cause
  const text = cause instanceof Error ? cause.message.split("\n")[0]!.replace(/(sig|signature|token|key)=[^&\s]+/gi, "$1=<redacted>") : ""
  const status = fields.status === undefined ? "" : ` ${fields.status}`
  const code = fields.code === undefined ? "" : ` ${fields.code}`
  return new Error(`${name}${status}${code}: ${text}`.trim())
}

/**
 * A network error code (`ECONNREFUSED`, `ENOTFOUND` ...) from an SDK error
 * or its causes.
 *
 * @since 0.1.0
 * @category errors
 */
export const networkCode = (cause: unknown): string | undefined => {
  for (let current: unknown = cause, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && /^E[A-Z0-9_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * The `StorageError` builder for one failed request: `make(reason, message)`,
 * with `withProfile` when the profile's settings are the likely fix (so the
 * error names it).
 *
 * @since 0.1.0
 * @category errors
 */
export const requestErrors = (
  cause: unknown,
  request: {
    readonly operation: string
    readonly key?: string | undefined
    readonly profile: string
    readonly status: number | undefined
    readonly code?: string | undefined
  }
) =>
(reason: StorageErrorReason, message: string, withProfile = false): StorageError =>
  new StorageError({
    reason,
    message,
    operation: request.operation,
    ...(request.key === undefined ? {} : { key: request.key }),
    ...(withProfile ? { profile: request.profile } : {}),
    cause: safeCause(cause, { status: request.status, code: request.code })
  })
