/**
 * Path arithmetic and open flags of the POSIX provider, importing only
 * `node:fs`: shared by the provider (`posixRoot.ts`, `posixFs.ts`) and its
 * copy worker threads (`posixCopyWorker.ts`), which load nothing heavier.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"

/**
 * Flags of a read-only open. `O_NONBLOCK` keeps an open of a FIFO from
 * waiting for a writer (it changes nothing for regular files).
 *
 * @since 0.1.0
 * @category constants
 */
export const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)

/**
 * Flags of the open that creates a temporary file (never an existing one).
 *
 * @since 0.1.0
 * @category constants
 */
export const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL

/**
 * The directory part of an absolute path ("/" for a file at the top).
 *
 * @since 0.1.0
 * @category paths
 */
export const dirOf = (path: string): string => {
  const slash = path.lastIndexOf("/")
  return slash <= 0 ? "/" : path.slice(0, slash)
}

/**
 * Whether the real path `real` lies inside (or is) the real base `realBase`.
 *
 * @since 0.1.0
 * @category paths
 */
export const isInside = (realBase: string, real: string): boolean =>
  realBase === "/" || real === realBase || (real.startsWith(realBase) && real.charCodeAt(realBase.length) === 47)
