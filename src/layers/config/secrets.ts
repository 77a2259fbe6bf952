/**
 * Which config keys hold credentials, so their values are never printed.
 *
 * @since 0.1.0
 */

/** Words that make a key a credential wherever they appear in it. */
const SECRET_WORDS = new Set([
  "secret",
  "password",
  "passwd",
  "token",
  "connection",
  "credential",
  "credentials",
  "authorization",
  "apikey"
])

/** `access_key`, `secret_key`, `account_key`, `private_key`, `api_key` (not `client_key_file`, a path). */
const SECRET_KEY_NAME = /(^|[_-])(access|secret|account|private|api)[_-]?key$/i

/**
 * Whether a key's value looks like a credential (`secret_key`, `access_key`,
 * `session_token`, `connection`, `password` ...).
 *
 * @since 0.1.0
 * @category utils
 */
export const isSecretKey = (key: string): boolean =>
  SECRET_KEY_NAME.test(key) ||
  key.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase().split(/[_\-.\s]+/).some((word) => SECRET_WORDS.has(word))

/**
 * The placeholder printed instead of a credential.
 *
 * @since 0.1.0
 * @category constants
 */
export const REDACTED = "<redacted>"

/**
 * A deep copy with every string or number under a credential-looking key
 * replaced by `REDACTED`.
 *
 * @since 0.1.0
 * @category utils
 */
export const redact = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redact)
  if (value === null || typeof value !== "object") return value
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      isSecretKey(key) && (typeof inner === "string" || typeof inner === "number") ? REDACTED : redact(inner)
    ])
  )
}
