/**
 * Low-level pieces of the POSIX storage provider: promise wrappers over the
 * callback `node:fs` API on raw file descriptors (a `FileHandle` costs an
 * object, a GC-tracked resource and more machinery per operation, which shows
 * in the benchmark), errno codes mapped to `StorageError`s, and the names of
 * temporary files.
 *
 * Internal to `posix.ts`; exported for its sibling modules and tests.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { storageError, StorageError } from "../../services/StorageProvider.ts"
import { codeOf, describeErrno } from "../../services/Errno.ts"

export { CREATE_FLAGS, READ_FLAGS } from "./posixPath.ts"

/**
 * @since 0.1.0
 * @category fs
 */
export const openFd = (path: string, flags: number): Promise<number> =>
  new Promise((resolve, reject) => fs.open(path, flags, 0o666, (error, fd) => (error ? reject(error) : resolve(fd))))

/**
 * @since 0.1.0
 * @category fs
 */
export const readFd = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) =>
    fs.read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)))
  )

const writeFd = (fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number> =>
  new Promise((resolve, reject) =>
    fs.write(fd, buffer, offset, length, null, (error, written) => (error ? reject(error) : resolve(written)))
  )

/**
 * Writes every byte of `bytes` at the file's current position.
 *
 * @since 0.1.0
 * @category fs
 */
export const writeAll = async (fd: number, bytes: Uint8Array): Promise<void> => {
  let at = 0
  while (at < bytes.byteLength) at += await writeFd(fd, bytes, at, bytes.byteLength - at)
}

/**
 * Fills `buffer` from `position`; returns how many bytes were read (fewer
 * only when the file ended early).
 *
 * @since 0.1.0
 * @category fs
 */
export const readFully = async (fd: number, buffer: Uint8Array, position: number): Promise<number> => {
  let at = 0
  while (at < buffer.byteLength) {
    const n = await readFd(fd, buffer, at, buffer.byteLength - at, position + at)
    if (n === 0) break
    at += n
  }
  return at
}

/**
 * `stat` with bigint fields (for nanosecond mtimes and 64-bit inodes). The
 * callback API: `fs.promises.stat` with `bigint` measured a third slower.
 *
 * @since 0.1.0
 * @category fs
 */
export const statPath = (path: string): Promise<fs.BigIntStats> =>
  new Promise((resolve, reject) =>
    fs.stat(path, { bigint: true }, (error, stats) => (error ? reject(error) : resolve(stats)))
  )

/**
 * @since 0.1.0
 * @category fs
 */
export const closeFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fs.close(fd, (error) => (error ? reject(error) : resolve())))

/**
 * @since 0.1.0
 * @category fs
 */
export const fdatasyncFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))

/**
 * Closes a descriptor that was only read from, synchronously: closing a
 * read-only descriptor of a local file never waits for the disk, and saves a
 * thread-pool round trip per read. Errors are irrelevant at that point.
 *
 * @since 0.1.0
 * @category fs
 */
export const closeQuietly = (fd: number): void => {
  try {
    fs.closeSync(fd)
  } catch {
    // Nothing was written through it; there is nothing to lose.
  }
}

const verbs: Readonly<Record<string, string>> = {
  head: "read the metadata of",
  read: "read",
  getBytes: "read",
  put: "write",
  delete: "delete",
  copy: "copy",
  list: "list",
  make: "use the base path"
}


/**
 * A file system failure as a `StorageError` naming the key (and the local
 * path): ENOENT/ENOTDIR → `NotFound`, EISDIR → `NotFound` (a directory is not
 * an object), EACCES/EPERM/EROFS → `PermissionDenied`, EEXIST →
 * `AlreadyExists`, ENAMETOOLONG/ELOOP → `InvalidPath`, everything else
 * (ENOSPC, EIO, EMFILE, EAGAIN, EBUSY ...) → `Unavailable`. A `StorageError`
 * is returned as it is.
 *
 * @since 0.1.0
 * @category errors
 */
export const fsError = (cause: unknown, operation: string, key: string, path: string): StorageError => {
  if (cause instanceof StorageError) return cause
  const code = codeOf(cause)
  if (code === "ENOENT" || code === "ENOTDIR") {
    return storageError("NotFound", `No object at '${key}'.`, { operation, key, cause })
  }
  if (code === "EISDIR") return notAnObject(key, operation)
  const [reason, what] = describeErrno(code)
  const detail = code === undefined ? (cause instanceof Error ? `: ${cause.message}` : "") : ` (${code}, ${path})`
  const culprit = key === "" ? "the base path" : `'${key}'`
  return storageError(reason, `Cannot ${verbs[operation] ?? operation} ${culprit}: ${what}${detail}.`, {
    operation,
    key,
    cause
  })
}

/**
 * `NotFound` for a key that names a directory (or a device, FIFO ...).
 *
 * @since 0.1.0
 * @category errors
 */
export const notAnObject = (key: string, operation: string): StorageError =>
  storageError("NotFound", `No object at '${key}': it is a directory, not a file.`, { operation, key })

/**
 * `InvalidPath` for a key whose path leaves the base path through a
 * symbolic link (the target is not named: it lies outside what this provider
 * may show).
 *
 * @since 0.1.0
 * @category errors
 */
export const escapes = (key: string, base: string, operation: string): StorageError =>
  storageError(
    "InvalidPath",
    `The key '${key}' leads outside the base path ${base} through a symbolic link.`,
    { operation, key }
  )


const TEMP_MARK = ".strata-tmp-"
const TEMP_PATTERN = /^\..*\.strata-tmp-[0-9a-z]+$/s
// Unique within the process by the counter, across processes by pid and the random part.
const tempStem = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`
let tempCounter = 0

/**
 * A fresh name for the temporary file of an object named `name`:
 * `.<name>.strata-tmp-<unique>` (the name is cut short so the result stays
 * well within NAME_MAX).
 *
 * @since 0.1.0
 * @category temporary files
 */
export const tempName = (name: string): string =>
  `.${name.length > 40 ? name.slice(0, 40) : name}${TEMP_MARK}${tempStem}${(tempCounter++).toString(36)}`

/**
 * Whether a file name is one of ours in flight (hidden from listings; keys
 * with such a last segment cannot be written).
 *
 * @since 0.1.0
 * @category temporary files
 */
export const isTempName = (name: string): boolean =>
  name.charCodeAt(0) === 46 /* "." */ && name.includes(TEMP_MARK) && TEMP_PATTERN.test(name)

export { codeOf }
