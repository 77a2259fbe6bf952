/**
 * The write operations of the POSIX provider (put, delete, copy) as plain
 * async functions, like those of `posixRead.ts`.
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
import type { ObjectMetadata, PutOptions } from "../../services/StorageProvider.ts"
import {
  closeFd,
  closeQuietly,
  codeOf,
  CREATE_FLAGS,
  fdatasyncFd,
  fsError,
  notAnObject,
  openFd,
  tempName,
  writeAll
} from "./posixFs.ts"
import { etagOf, metadataOf, mismatch } from "./posixMeta.ts"
import { statFd, statInside } from "./posixRead.ts"
import { checkDirInside, dirOf, ensureDir, parentIsFile, pathOf, withLock } from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"

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
 * Makes a fresh temporary file for `key` in its directory with `make` (which
 * must create `temp` exclusively), creating the directory (and the base)
 * when missing, after checking that it resolves inside the base.
 *
 * @since 0.1.0
 * @category operations
 */
export const inFreshTemp = async <A>(
  root: PosixRoot,
  key: string,
  operation: string,
  make: (temp: string) => Promise<A>
): Promise<{ readonly path: string; readonly temp: string; readonly made: A }> => {
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
    const made = await make(temp).then((value) => ({ value }), (cause) => {
      const code = codeOf(cause)
      if ((code === "ENOENT" || code === "EEXIST") && attempt < 3) return undefined
      throw code === "ENOTDIR" ? parentIsFile(key, operation, cause) : cause
    })
    if (made !== undefined) return { path, temp, made: made.value }
  }
}

/**
 * Creates the temporary file for `key` in its directory, creating the
 * directory (and the base) when missing.
 *
 * @since 0.1.0
 * @category operations
 */
export const createTemp = async (root: PosixRoot, key: string, operation: string): Promise<TempFile> => {
  const { made: fd, path, temp } = await inFreshTemp(root, key, operation, (temp) => openFd(temp, CREATE_FLAGS))
  return { key, path, temp, fd, open: true, committed: false }
}

/** Streamed bodies are written in pieces of at least this size (small chunks are gathered). */
const WRITE_SIZE = 64 * 1024

/**
 * Writes a streamed body into a temporary file: chunks smaller than 64 KiB
 * are copied into a staging buffer and written together (one system call per
 * 64 KiB, not per chunk), larger ones are written as they come.
 *
 * @since 0.1.0
 * @category operations
 */
export const makeBodyWriter = (file: TempFile): {
  readonly write: (chunk: Uint8Array) => Promise<void>
  readonly flush: () => Promise<void>
} => {
  const staged = new Uint8Array(WRITE_SIZE)
  let used = 0
  const flush = async (): Promise<void> => {
    if (used === 0) return
    const full = staged.subarray(0, used)
    used = 0
    await writeAll(file.fd, full)
  }
  const write = async (chunk: Uint8Array): Promise<void> => {
    if (chunk.byteLength >= WRITE_SIZE) {
      await flush()
      return writeAll(file.fd, chunk)
    }
    if (used + chunk.byteLength > WRITE_SIZE) await flush()
    staged.set(chunk, used)
    used += chunk.byteLength
  }
  return { write, flush }
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

/**
 * The error of a failed rename that publishes `key`.
 *
 * @since 0.1.0
 * @category operations
 */
export const publishError = (key: string, cause: unknown, path: string): never => {
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
  // Directories left empty go too, so empty prefixes never list as
  // directories; not under "/", where the base is the user's own file system.
  if (root.base === "/") return
  for (let at = dir; at.length > root.base.length && at.startsWith(root.base); at = dirOf(at)) {
    // ENOTEMPTY (or anything else) ends it: the directory is still in use.
    if (!(await fsp.rmdir(at).then(() => true, () => false))) break
  }
}
