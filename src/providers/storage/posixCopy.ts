/**
 * The POSIX provider's copy: through a temporary file renamed over the
 * target, the bytes moved by the kernel (copy_file_range, or a reflink where
 * the file system has one), except that a copy thread moves a file of up to
 * 1 MiB through its own buffer (one read and one write, see
 * `posixCopyWorker.ts`).
 *
 * A copy runs on one of two paths with the same atomicity and cleanup:
 *
 * - **In bulk** (several copies in flight, as in a sync, on Linux, without
 *   `fsync`): in a copy thread of `posixCopyPool.ts`, in batches,
 *   the target's directory reached through a checked descriptor (see
 *   `posixCopyWorker.ts`);
 * - **alone** (or where the threads are not used): as promises over the
 *   thread pool of libuv, which costs no thread start-up.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import { StorageError } from "../../services/StorageProvider.ts"
import type { ObjectMetadata } from "../../services/StorageProvider.ts"
import type { CopyPool } from "./posixCopyPool.ts"
import type { CopyResult } from "./posixCopyProtocol.ts"
import { closeQuietly, escapes, fsError, notAnObject, READ_FLAGS, tempName } from "./posixFs.ts"
import { metadataOf } from "./posixMeta.ts"
import { statFd } from "./posixRead.ts"
import { dirOf, ensureDir, openInside, parentIsFile, pathOf, withLock } from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"
import { commitTemp, createTemp, discardTemp, inFreshTemp, publishError } from "./posixWrite.ts"

/** Attempts of a threaded copy whose directory went missing or whose temporary name was taken (as `inFreshTemp`). */
const ATTEMPTS = 3

/** An errno error as thrown by `node:fs`, rebuilt from a thread's result for `fsError`. */
const errnoOf = (result: Extract<CopyResult, { readonly code?: string | undefined }>): Error =>
  Object.assign(new Error(result.message ?? result.outcome), { code: result.code })

/** `ensureDir` for a copy, shared by the copies into the same missing directory (a sync sends many at once). */
const ensureDirOnce = (root: PosixRoot, key: string, dir: string): Promise<void> => {
  const pending = root.creating.get(dir)
  if (pending !== undefined) return pending
  const created = ensureDir(root, key, dir, "copy").finally(() => root.creating.delete(dir))
  root.creating.set(dir, created)
  return created
}

/**
 * `copyObject` in a copy thread. Runs under the target's lock, as the
 * rename of the other path does, so conditional writes in this process see
 * it before or after, never in between.
 */
const copyInThread = (root: PosixRoot, pool: CopyPool, realBase: string, source: string, target: string) =>
  withLock(root, target, async (): Promise<ObjectMetadata> => {
    const sourcePath = pathOf(root, source)
    const path = pathOf(root, target)
    const dir = dirOf(path)
    const name = path.slice(dir.length + 1)
    for (let attempt = 1;; attempt++) {
      const result = await pool.copy(realBase, { source: sourcePath, dir, temp: tempName(name), name })
      switch (result.outcome) {
        case "copied":
          return metadataOf(target, result.stamp)
        case "source":
          throw fsError(errnoOf(result), "copy", source, sourcePath)
        case "sourceEscapes":
          throw escapes(source, root.base, "copy")
        case "sourceNotFile":
          throw notAnObject(source, "copy")
        case "targetEscapes":
          throw escapes(target, root.base, "copy")
        case "dirMissing":
          if (attempt >= ATTEMPTS) throw fsError(Object.assign(new Error("missing"), { code: "ENOENT" }), "copy", target, path)
          await ensureDirOnce(root, target, dir)
          continue
        case "tempExists":
          if (attempt >= ATTEMPTS) throw fsError(errnoOf(result), "copy", target, path)
          continue
        case "target":
          throw result.code === "ENOTDIR"
            ? parentIsFile(target, "copy", errnoOf(result))
            : fsError(errnoOf(result), "copy", target, path)
        case "publish":
          return publishError(target, errnoOf(result), path)
      }
    }
  })

/**
 * Copies `source` to `target` through a temporary file (see the module
 * comment for which path runs). On the thread pool of libuv, the copy
 * creates the temporary file itself (exclusively), so no descriptor of ours
 * is opened and closed for it; with `fsync` the descriptor is needed, and
 * the temporary file goes through `createTemp` and `commitTemp` as a put
 * does.
 *
 * @since 0.1.0
 * @category operations
 */
export const copyObject = async (root: PosixRoot, source: string, target: string): Promise<ObjectMetadata> => {
  root.copying++
  try {
    const pool = root.copyPool
    if (pool !== undefined && root.realBase !== undefined && pool.wanted(root.copying)) {
      // A failed thread (not a failed copy) sends the copy down the other path.
      return await copyInThread(root, pool, root.realBase, source, target).catch((cause) => {
        if (cause instanceof StorageError) throw cause
        return copyAlone(root, source, target)
      })
    }
    return await copyAlone(root, source, target)
  } finally {
    root.copying--
  }
}

/** `copyObject` over promises. */
const copyAlone = async (root: PosixRoot, source: string, target: string): Promise<ObjectMetadata> => {
  const sourcePath = pathOf(root, source)
  const fd = await openInside(root, source, sourcePath, READ_FLAGS, "copy").catch((cause) => {
    throw fsError(cause, "copy", source, sourcePath)
  })
  try {
    if (!statFd(fd).isFile()) throw notAnObject(source, "copy")
    // Copying from the open descriptor reads the very file that was checked.
    const from = root.procFd ? `/proc/self/fd/${fd}` : await fsp.realpath(sourcePath)
    if (root.fsync) return await copyThroughDescriptor(root, from, target)
    const { path, temp } = await inFreshTemp(root, target, "copy", (temp) =>
      fsp.copyFile(from, temp, fs.constants.COPYFILE_EXCL)).catch((cause) => {
        throw fsError(cause, "copy", target, pathOf(root, target))
      })
    let published = false
    try {
      // rename keeps inode and mtime, so these stats hold after publishing.
      const stats = fs.statSync(temp, { bigint: true })
      await withLock(root, target, () => fsp.rename(temp, path).catch((cause) => publishError(target, cause, path)))
      published = true
      return metadataOf(target, stats)
    } catch (cause) {
      throw fsError(cause, "copy", target, path)
    } finally {
      if (!published) await fsp.unlink(temp).catch(() => undefined)
    }
  } finally {
    closeQuietly(fd)
  }
}

/** `copyAlone` into a temporary file of ours, flushed before it is published. */
const copyThroughDescriptor = async (root: PosixRoot, from: string, target: string): Promise<ObjectMetadata> => {
  const file = await createTemp(root, target, "copy")
  try {
    await fsp.copyFile(from, file.temp)
    return await commitTemp(root, file, undefined)
  } catch (cause) {
    throw fsError(cause, "copy", target, file.path)
  } finally {
    if (!file.committed) await discardTemp(file)
  }
}
