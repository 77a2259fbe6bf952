/**
 * The client's error sentences: provider errors re-stated with the profile and
 * URL, and local file system errors mapped to storage reasons.
 *
 * @since 0.1.0
 */
import { StorageError } from "../../services/StorageProvider.ts"
import { codeOf, describeErrno } from "../../services/Errno.ts"

/**
 * The same error with `profile` set (kept when it is set already).
 *
 * @since 0.1.0
 * @category errors
 */
export const withProfile = (error: StorageError, profile: string, message = error.message): StorageError =>
  error.profile !== undefined
    ? error
    : new StorageError({
      reason: error.reason,
      message,
      profile,
      ...(error.operation === undefined ? {} : { operation: error.operation }),
      ...(error.key === undefined ? {} : { key: error.key }),
      ...(error.cause === undefined ? {} : { cause: error.cause })
    })

/**
 * A provider's error as the client reports it: `profile` set and the URL in
 * front of the message (unless it names it already). An error that carries a
 * profile has been through here (or was made by the client) and is kept.
 *
 * @since 0.1.0
 * @category errors
 */
export const withContext = (error: StorageError, profile: string, url: string): StorageError =>
  withProfile(error, profile, error.message.includes(url) ? error.message : `${url}: ${error.message}`)

/**
 * @since 0.1.0
 * @category errors
 */
export const notFound = (operation: string, profile: string, key: string, url: string): StorageError =>
  new StorageError({ reason: "NotFound", operation, profile, key, message: `No file or directory at ${url}.` })

/**
 * A file operation on a directory. Reason `InvalidPath`: the path names
 * something that exists, but not something the operation accepts.
 *
 * @since 0.1.0
 * @category errors
 */
export const isDirectory = (operation: string, profile: string, key: string, url: string, hint = ""): StorageError =>
  new StorageError({
    reason: "InvalidPath",
    operation,
    profile,
    key,
    message: `${url} is a directory${hint === "" ? "" : `; ${hint}`}.`
  })

/**
 * A Node file system error on a local path, as a `StorageError` naming it.
 *
 * @since 0.1.0
 * @category errors
 */
export const localFileError = (operation: string, localPath: string, cause: unknown): StorageError => {
  const [reason, what] = describeErrno(codeOf(cause))
  return new StorageError({
    reason,
    operation,
    message: `The local file ${localPath}: ${what}.`,
    cause
  })
}
