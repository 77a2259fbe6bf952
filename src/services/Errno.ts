/**
 * What a Node file-system error code means for a user: the storage reason it
 * maps to and a phrase that says why. One table for every module that touches
 * local files (the posix provider, the client's local files, the disk cache).
 *
 * @since 0.1.0
 */
import type { StorageErrorReason } from "./StorageProvider.ts"

/**
 * The errno code (`ENOENT` ...) of a Node error, if it has one.
 *
 * @since 0.1.0
 * @category errors
 */
export const codeOf = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined

/**
 * The reason and a phrase for an errno code. Anything unknown (out of space,
 * too many open files, I/O errors) is the disk's trouble, not the request's:
 * `Unavailable`.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeErrno = (code: string | undefined): readonly [StorageErrorReason, string] => {
  switch (code) {
    case "ENOENT":
      return ["NotFound", "does not exist"]
    case "ENOTDIR":
      return ["NotFound", "has a parent that is not a directory"]
    case "EISDIR":
      return ["InvalidPath", "is a directory"]
    case "EACCES":
    case "EPERM":
      return ["PermissionDenied", "permission denied"]
    case "EROFS":
      return ["PermissionDenied", "the file system is read-only"]
    case "EEXIST":
      return ["AlreadyExists", "it already exists"]
    case "ENAMETOOLONG":
      return ["InvalidPath", "the name is too long for the file system"]
    case "ELOOP":
      return ["InvalidPath", "too many levels of symbolic links"]
    case "EINVAL":
      return ["InvalidPath", "the path is not valid here"]
    case "ENOSPC":
      return ["Unavailable", "no space left on the device"]
    case "EDQUOT":
      return ["Unavailable", "the disk quota is exhausted"]
    case "EMFILE":
    case "ENFILE":
      return ["Unavailable", "too many open files"]
    case "EIO":
      return ["Unavailable", "an I/O error occurred"]
    case "EAGAIN":
    case "EBUSY":
      return ["Unavailable", "the file system is busy"]
    default:
      return ["Unavailable", `the file system failed (${code ?? "unknown error"})`]
  }
}
