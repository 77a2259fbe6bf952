/**
 * Key safety shared by every provider: a key is a relative, "/"-separated path
 * with no empty, "." or ".." segment and no NUL byte. Keys that could escape a
 * base path are refused, never clamped.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { StorageError } from "./StorageProvider.ts"

const problemOf = (key: string, allowTrailingSlash: boolean): string | undefined => {
  if (key.length === 0) return "is empty"
  if (key.startsWith("/")) return "is absolute (keys are relative to the base path)"
  if (key.includes("\0")) return "contains a NUL byte"
  const segments = key.split("/")
  if (allowTrailingSlash && segments.at(-1) === "") segments.pop()
  for (const segment of segments) {
    if (segment === "..") return "contains a '..' segment"
    if (segment === ".") return "contains a '.' segment"
    if (segment === "") return "contains an empty segment ('//' or a trailing '/')"
  }
  return undefined
}

/**
 * The key itself when it is safe, an `InvalidPath` error naming it otherwise.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateKey = (key: string, operation: string): Effect.Effect<string, StorageError> => {
  const problem = problemOf(key, false)
  return problem === undefined
    ? Effect.succeed(key)
    : Effect.fail(
      new StorageError({ reason: "InvalidPath", operation, key, message: `The key '${key}' ${problem}.` })
    )
}

/**
 * Like `validateKey` for listing prefixes: empty is fine, a trailing "/" too.
 *
 * @since 0.1.0
 * @category validation
 */
export const validatePrefix = (prefix: string, operation: string): Effect.Effect<string, StorageError> => {
  if (prefix === "") return Effect.succeed(prefix)
  const problem = problemOf(prefix, true)
  return problem === undefined
    ? Effect.succeed(prefix)
    : Effect.fail(
      new StorageError({
        reason: "InvalidPath",
        operation,
        key: prefix,
        message: `The prefix '${prefix}' ${problem}.`
      })
    )
}

/**
 * Whether a key is safe (see `validateKey`), for code that is not in Effect.
 *
 * @since 0.1.0
 * @category validation
 */
export const isSafeKey = (key: string): boolean => problemOf(key, false) === undefined
