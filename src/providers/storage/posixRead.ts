/**
 * The read operations of the POSIX provider as plain async functions, one
 * promise per operation (the Effect wrapper in `posix.ts` adds a single
 * `tryPromise` on top, which keeps the per-operation overhead close to raw
 * `node:fs`). They throw `StorageError`s or raw errno errors; the wrapper maps
 * the latter with `fsError`.
 *
 * Reads check that the file they opened lies inside the base (see
 * `posixRoot.ts`), and close their descriptors on every path.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import type { ObjectMetadata, ReadOptions } from "../../services/StorageProvider.ts"
import { closeQuietly, codeOf, escapes, notAnObject, openFd, READ_FLAGS, readFd, readFully, statPath } from "./posixFs.ts"
import { byteBounds, checkRead, etagOf, metadataOf } from "./posixMeta.ts"
import { isInside, openInside, pathOf, realBaseOf, whereIs } from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"

/**
 * Stats of an open descriptor, with bigint fields (for the etag).
 *
 * @since 0.1.0
 * @category operations
 */
export const statFd = (fd: number): fs.BigIntStats => fs.fstatSync(fd, { bigint: true })

/**
 * Stats of an open descriptor; closes it and throws if it is not a regular
 * file.
 *
 * @since 0.1.0
 * @category operations
 */
export const fileStats = (fd: number, key: string, operation: string): fs.BigIntStats => {
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

/**
 * Stats of the file at `key` (following symlinks that stay inside), or a
 * thrown error. An unreadable file's stats come from `stat`.
 *
 * @since 0.1.0
 * @category operations
 */
export const statInside = async (root: PosixRoot, key: string, operation: string): Promise<fs.BigIntStats> => {
  const path = pathOf(root, key)
  let fd: number
  try {
    fd = await openInside(root, key, path, READ_FLAGS, operation)
  } catch (cause) {
    if (codeOf(cause) !== "EACCES") throw cause
    // Unreadable, but its metadata may still be visible.
    const real = await fsp.realpath(path)
    if (!isInside(await realBaseOf(root), real)) throw escapes(key, root.base, operation)
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
