/**
 * What the `strata` exit code means, so scripts can branch on it.
 *
 * @since 0.1.0
 */
import type { StorageErrorReason } from "../../services/StorageProvider.ts"

/**
 * @since 0.1.0
 * @category models
 */
export const ExitCode = {
  ok: 0,
  /** The operation failed for another reason (unsupported, invalid range ...). */
  failed: 1,
  /** The command line was wrong (unknown flag, missing argument). */
  usage: 2,
  /** The config file is missing, malformed or invalid. */
  config: 3,
  /** The object, path or profile does not exist. */
  notFound: 4,
  /** The backend refused access. */
  permissionDenied: 5,
  /** A precondition failed or the target already exists. */
  conflict: 6,
  /** The backend is unavailable; trying again later may work. */
  unavailable: 7,
  /** A path or URL is not acceptable (escapes the base path, bad scheme ...). */
  invalidPath: 8
} as const

/**
 * The exit code for a storage failure.
 *
 * @since 0.1.0
 * @category models
 */
export const exitCodeOf = (reason: StorageErrorReason): number => {
  switch (reason) {
    case "NotFound":
      return ExitCode.notFound
    case "PermissionDenied":
      return ExitCode.permissionDenied
    case "PreconditionFailed":
    case "AlreadyExists":
    case "NotModified":
      return ExitCode.conflict
    case "Unavailable":
      return ExitCode.unavailable
    case "InvalidPath":
      return ExitCode.invalidPath
    case "InvalidRange":
    case "Unsupported":
      return ExitCode.failed
  }
}
