/**
 * Who may do what on the artifacts API, as Artisan decides it: a password
 * maps to a subset of {read, write, delete}; the password is the part after
 * the first character of the base64-decoded last token of `Authorization`
 * (HTTP Basic with an empty user name, `Basic base64(":" + password)`); no
 * header means the password "". With no permissions configured, "" may do
 * everything (Artisan's default policy).
 *
 * Passwords stay `Redacted` and are compared in constant time (both sides
 * hashed to the same length first, then `timingSafeEqual`), every configured
 * password being checked so the time does not tell which one matched.
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"

/**
 * @since 0.1.0
 * @category models
 */
export type Permission = "read" | "write" | "delete"

/**
 * @since 0.1.0
 * @category models
 */
export interface PasswordPermissions {
  readonly password: Redacted.Redacted<string>
  readonly allow: ReadonlyArray<Permission>
}

/**
 * Artisan's default: everything open to the empty password.
 *
 * @since 0.1.0
 * @category constants
 */
export const OPEN: ReadonlyArray<PasswordPermissions> = [
  { password: Redacted.make(""), allow: ["read", "write", "delete"] }
]

/**
 * The permission a method needs; undefined for methods nobody may use (Artisan answers 401 to them).
 *
 * @since 0.1.0
 * @category models
 */
export const permissionFor = (method: string): Permission | undefined =>
  method === "GET" || method === "HEAD" || method === "OPTIONS"
    ? "read"
    : method === "POST"
    ? "write"
    : method === "DELETE"
    ? "delete"
    : undefined

/**
 * The password an `Authorization` header carries ("" without one).
 *
 * @since 0.1.0
 * @category parsing
 */
export const passwordOf = (authorization: string | undefined): string => {
  if (authorization === undefined || authorization.trim() === "") return ""
  const token = authorization.trim().split(" ").at(-1) ?? ""
  return Buffer.from(token, "base64").toString("utf8").slice(1)
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest()

/**
 * True when the header's password grants the permission.
 *
 * @since 0.1.0
 * @category checking
 */
export const allows = (
  permissions: ReadonlyArray<PasswordPermissions>,
  authorization: string | undefined,
  needed: Permission | undefined
): boolean => {
  const given = digest(passwordOf(authorization))
  let granted = false
  for (const entry of permissions) {
    const same = timingSafeEqual(given, digest(Redacted.value(entry.password)))
    if (same && needed !== undefined && entry.allow.includes(needed)) granted = true
  }
  return granted
}
