/**
 * The object operations of the POSIX provider as plain async functions, one
 * promise per operation (the Effect wrapper in `posix.ts` adds a single
 * `tryPromise` on top, which keeps the per-operation overhead close to raw
 * `node:fs`). They throw `StorageError`s or raw errno errors; the wrapper maps
 * the latter with `fsError`.
 *
 * Writes are atomic: the bytes go to a hidden temporary file in the target's
 * directory (`.<name>.strata-tmp-<unique>`, never listed) which is renamed
 * over the target, or linked to it for create-only puts. A failure removes
 * the temporary file and leaves the old object.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import { storageError } from "../../services/StorageProvider.ts"
import type { ObjectMetadata, PutOptions, ReadOptions } from "../../services/StorageProvider.ts"
import {
  byteBounds,
  checkRead,
  closeFd,
  closeQuietly,
  codeOf,
  CREATE_FLAGS,
  escapes,
  etagOf,
  fdatasyncFd,
  fsError,
  metadataOf,
  mismatch,
  notAnObject,
  openFd,
  READ_FLAGS,
  readFd,
  readFully,
  statPath,
  tempName,
  writeAll
} from "./posixFs.ts"
import {
  checkDirInside,
  dirOf,
  ensureDir,
  isInside,
  openInside,
  parentIsFile,
  pathOf,
  realBaseOf,
  whereIs,
  withLock
} from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"

const statFd = (fd: number): fs.BigIntStats => fs.fstatSync(fd, { bigint: true })

/** Stats of an open descriptor; closes it and throws if it is not a regular file. */
const fileStats = (fd: number, key: string, operation: string): fs.BigIntStats => {
  let stats: fs.BigIntStats
  try {
    stats = statFd(fd)
  } catch (cause) {
    closeQuietly(fd)
    throw cause
  }
  if (!stats.isFile()) {
    closeQuietly(fd)
    throw notAnObject(key, operation)
  }
  return stats
}

/** Stats of the file at `key` (following symlinks that stay inside), or a thrown error. */
const statInside = async (root: PosixRoot, key: string, operation: string): Promise<fs.BigIntStats> => {
  const path = pathOf(root, key)
  let fd: number
  try {
    fd = await openInside(root, key, path, READ_FLAGS, operation)
  } catch (cause) {
    if (codeOf(cause) !== "EACCES") throw cause
    // Unreadable, but its metadata may still be visible.
    const real = await fsp.realpath(path)
    if (!isInside(await realBaseOf(root), real)) throw cause
    const stats = await statPath(real)
    if (!stats.isFile()) throw notAnObject(key, operation)
    return stats
  }
  const stats = fileStats(fd, key, operation)
  closeQuietly(fd)
  return stats
}

/**
 * @since 0.1.0
 * @category operations
 */
export const head = async (root: PosixRoot, key: string): Promise<ObjectMetadata> =>
  metadataOf(key, await statInside(root, key, "head"))

/**
 * An open file positioned for a read: the descriptor (the caller closes it
 * with `closeQuietly`) and the byte bounds `[start, end)`.
 *
 * @since 0.1.0
 * @category operations
 */
export interface OpenedRead {
  readonly fd: number
  readonly start: number
  readonly end: number
}

/**
 * Opens `key` for reading after checking preconditions and the range.
 *
 * @since 0.1.0
 * @category operations
 */
export const openRead = async (
  root: PosixRoot,
  key: string,
  options: ReadOptions | undefined,
  operation: string
): Promise<OpenedRead> => {
  const fd = await openInside(root, key, pathOf(root, key), READ_FLAGS, operation)
  const stats = fileStats(fd, key, operation)
  try {
    if (options !== undefined) checkRead(key, etagOf(stats), options, operation)
    const [start, end] = byteBounds(key, Number(stats.size), options?.range, operation)
    return { fd, start, end }
  } catch (cause) {
    closeQuietly(fd)
    throw cause
  }
}

/**
 * The object's bytes (or a range of them) in one fresh buffer. Written flat,
 * with as few promises as possible: this is the hottest path of the
 * benchmark (nested async functions cost a promise and a microtask each).
 *
 * @since 0.1.0
 * @category operations
 */
export const getBytes = async (root: PosixRoot, key: string, options: ReadOptions | undefined): Promise<Uint8Array> => {
  const path = pathOf(root, key)
  const fd = root.procFd ? await openFd(path, READ_FLAGS) : await openInside(root, key, path, READ_FLAGS, "getBytes")
  try {
    if (root.procFd) {
      const real = await whereIs(fd)
      if (!isInside(root.realBase ?? (await realBaseOf(root)), real)) throw escapes(key, root.base, "getBytes")
    }
    let size: number
    if (options !== undefined && (options.ifMatch !== undefined || options.ifNoneMatch !== undefined)) {
      const stats = statFd(fd)
      if (!stats.isFile()) throw notAnObject(key, "getBytes")
      checkRead(key, etagOf(stats), options, "getBytes")
      size = Number(stats.size)
    } else {
      // Without preconditions no etag is needed: plain stats are cheaper than bigint ones.
      const stats = fs.fstatSync(fd)
      if (!stats.isFile()) throw notAnObject(key, "getBytes")
      size = stats.size
    }
    const [start, end] = options?.range === undefined ? [0, size] : byteBounds(key, size, options.range, "getBytes")
    const buffer = new Uint8Array(end - start)
    if (buffer.byteLength === 0) return buffer
    let got = await readFd(fd, buffer, 0, buffer.byteLength, start)
    if (got > 0 && got < buffer.byteLength) got += await readFully(fd, buffer.subarray(got), start + got)
    return got === buffer.byteLength ? buffer : buffer.subarray(0, got)
  } finally {
    closeQuietly(fd)
  }
}

/**
 * A temporary file being written for `key`; `open` and `committed` say what
 * is left to clean up.
 *
 * @since 0.1.0
 * @category operations
 */
export interface TempFile {
  readonly key: string
  readonly path: string
  readonly temp: string
  readonly fd: number
  open: boolean
  committed: boolean
}

/**
 * Creates the temporary file for `key` in its directory, creating the
 * directory (and the base) when missing.
 *
 * @since 0.1.0
 * @category operations
 */
export const createTemp = async (root: PosixRoot, key: string, operation: string): Promise<TempFile> => {
  const path = pathOf(root, key)
  const dir = dirOf(path)
  const name = path.slice(dir.length + 1)
  for (let attempt = 0;; attempt++) {
    const temp = `${dir === "/" ? "" : dir}/${tempName(name)}`
    const code = await checkDirInside(root, key, dir, operation).then(() => undefined, (cause) => {
      const code = codeOf(cause)
      if ((code === "ENOENT" || code === "ENOTDIR") && attempt < 3) return "missing"
      throw cause
    })
    if (code === "missing") {
      await ensureDir(root, key, dir, operation)
      continue
    }
    // A directory removed by a concurrent delete, or a name clash: try again.
    const fd = await openFd(temp, CREATE_FLAGS).catch((cause) => {
      const code = codeOf(cause)
      if ((code === "ENOENT" || code === "EEXIST") && attempt < 3) return undefined
      throw code === "ENOTDIR" ? parentIsFile(key, operation, cause) : cause
    })
    if (fd !== undefined) return { key, path, temp, fd, open: true, committed: false }
  }
}

/**
 * Removes what is left of a temporary file that was not published.
 *
 * @since 0.1.0
 * @category operations
 */
export const discardTemp = async (file: TempFile): Promise<void> => {
  if (file.open) {
    file.open = false
    closeQuietly(file.fd)
  }
  if (!file.committed) await fsp.unlink(file.temp).catch(() => undefined)
}

const publishError = (key: string, cause: unknown, path: string): never => {
  if (codeOf(cause) === "EISDIR") {
    throw storageError("InvalidPath", `Cannot write '${key}': a directory of that name exists.`, {
      operation: "put",
      key,
      cause
    })
  }
  throw fsError(cause, "put", key, path)
}

/** Whether `link` is unavailable on this file system (FAT, some FUSE mounts ...). */
const linkUnsupported = (code: string | undefined): boolean =>
  code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS" || code === "EXDEV"

/**
 * Fails unless the put's preconditions hold for what is stored now. Also run
 * before a streamed body is consumed, so a doomed upload fails early.
 *
 * @since 0.1.0
 * @category operations
 */
export const checkWrite = async (root: PosixRoot, key: string, options: PutOptions | undefined): Promise<void> => {
  if (options?.ifMatch !== undefined) {
    const ifMatch = options.ifMatch
    const stats = await statInside(root, key, "put").catch((cause) => {
      const error = fsError(cause, "put", key, pathOf(root, key))
      throw error.reason === "NotFound"
        ? storageError("NotFound", `No object at '${key}' to match etag '${ifMatch}'.`, { operation: "put", key })
        : error
    })
    const etag = etagOf(stats)
    if (etag !== ifMatch) throw mismatch(key, etag, ifMatch, "put")
  }
  if (options?.ifNoneMatch === "*") {
    const exists = await fsp.lstat(pathOf(root, key)).then(() => true, () => false)
    if (exists) throw storageError("AlreadyExists", `The object '${key}' already exists.`, { operation: "put", key })
  }
}

const syncDir = async (dir: string): Promise<void> => {
  const fd = await openFd(dir, fs.constants.O_RDONLY)
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())))
  } finally {
    closeQuietly(fd)
  }
}

/**
 * Publishes a fully written temporary file: fsync (when asked), close,
 * preconditions and rename (or link for create-only) under the key's lock.
 * Returns the new object's metadata.
 *
 * @since 0.1.0
 * @category operations
 */
export const commitTemp = async (
  root: PosixRoot,
  file: TempFile,
  options: PutOptions | undefined
): Promise<ObjectMetadata> => {
  if (root.fsync) await fdatasyncFd(file.fd)
  // rename and link keep inode and mtime, so these stats hold after publishing.
  const stats = statFd(file.fd)
  file.open = false
  await closeFd(file.fd)
  const { key, path, temp } = file
  const conditional = options !== undefined && (options.ifMatch !== undefined || options.ifNoneMatch !== undefined)
  await withLock(root, key, async () => {
    if (conditional) await checkWrite(root, key, options)
    if (options?.ifNoneMatch !== "*") {
      await fsp.rename(temp, path).catch((cause) => publishError(key, cause, path))
      file.committed = true
      return
    }
    const linked = await fsp.link(temp, path).then(() => true, (cause) => {
      const code = codeOf(cause)
      if (code === "EEXIST") {
        throw storageError("AlreadyExists", `The object '${key}' already exists.`, { operation: "put", key })
      }
      if (linkUnsupported(code)) return false
      return publishError(key, cause, path)
    })
    // Without hard links, the check above (under the in-process lock) has to do.
    if (!linked) await fsp.rename(temp, path).catch((cause) => publishError(key, cause, path))
    file.committed = true
    if (linked) await fsp.unlink(temp).catch(() => undefined)
  })
  if (root.fsync) await syncDir(dirOf(path))
  return metadataOf(key, stats)
}

/**
 * A put of bytes already in memory. `aborted` is checked before publishing,
 * so an interrupted put leaves the old object.
 *
 * @since 0.1.0
 * @category operations
 */
export const putBytes = async (
  root: PosixRoot,
  key: string,
  bytes: Uint8Array,
  options: PutOptions | undefined,
  signal: AbortSignal
): Promise<ObjectMetadata> => {
  const file = await createTemp(root, key, "put")
  try {
    await writeAll(file.fd, bytes)
    if (signal.aborted) throw storageError("Unavailable", `The put of '${key}' was interrupted.`, { operation: "put", key })
    return await commitTemp(root, file, options)
  } finally {
    if (!file.committed) await discardTemp(file)
  }
}

/**
 * Deletes a file (not a directory), then the directories it leaves empty, up
 * to but not including the base. MSC leaves empty directories behind; they
 * would make a prefix look non-empty to `list` with `includeDirectories`.
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteObject = async (root: PosixRoot, key: string, ifMatch: string | undefined): Promise<void> => {
  const path = pathOf(root, key)
  const dir = dirOf(path)
  await checkDirInside(root, key, dir, "delete")
  await withLock(root, key, async () => {
    if (ifMatch !== undefined) {
      const etag = etagOf(await statInside(root, key, "delete"))
      if (etag !== ifMatch) throw mismatch(key, etag, ifMatch, "delete")
    }
    await fsp.unlink(path).catch(async (cause) => {
      // unlink of a directory: EISDIR on Linux, EPERM on macOS.
      const isDir = codeOf(cause) === "EPERM" && (await fsp.lstat(path).then((s) => s.isDirectory(), () => false))
      throw isDir ? notAnObject(key, "delete") : cause
    })
  })
  for (let at = dir; at.length > root.base.length && at.startsWith(root.base); at = dirOf(at)) {
    // ENOTEMPTY (or anything else) ends it: the directory is still in use.
    if (!(await fsp.rmdir(at).then(() => true, () => false))) break
  }
}

/**
 * Copies `source` to `target` through a temporary file (the kernel's
 * copy_file_range or a reflink where the file system has one).
 *
 * @since 0.1.0
 * @category operations
 */
export const copyObject = async (root: PosixRoot, source: string, target: string): Promise<ObjectMetadata> => {
  const sourcePath = pathOf(root, source)
  const fd = await openInside(root, source, sourcePath, READ_FLAGS, "copy").catch((cause) => {
    throw fsError(cause, "copy", source, sourcePath)
  })
  try {
    fileStats(fd, source, "copy")
    // Copying from the open descriptor reads the very file that was checked.
    const from = root.procFd ? `/proc/self/fd/${fd}` : await fsp.realpath(sourcePath)
    const file = await createTemp(root, target, "copy")
    try {
      await fsp.copyFile(from, file.temp)
      return await commitTemp(root, file, undefined)
    } catch (cause) {
      throw fsError(cause, "copy", target, file.path)
    } finally {
      if (!file.committed) await discardTemp(file)
    }
  } finally {
    closeQuietly(fd)
  }
}
