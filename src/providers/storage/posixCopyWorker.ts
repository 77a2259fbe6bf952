/**
 * A copy worker thread of the POSIX provider (see `posixCopyPool.ts`): runs
 * batches of copies with synchronous system calls and answers each batch
 * with one message, so the main thread pays a share of two messages per
 * file instead of five thread-pool round trips and their promises.
 *
 * Each copy keeps the provider's safety rules, and holds them more tightly
 * than the asynchronous path can (Node has no `openat`, but Linux's
 * `/proc/self/fd/<fd>/<name>` resolves `name` in the very directory the
 * descriptor refers to):
 *
 * - the source is opened, then the kernel is asked where the opened file
 *   lies (`/proc/self/fd`), and it is copied from that descriptor;
 * - the target's directory is opened and checked the same way, once per
 *   batch, and the temporary file is created, stat'ed and renamed through
 *   that descriptor: a directory swapped for a symlink after the check
 *   changes nothing (the asynchronous path's `realpath` check has a window
 *   there);
 * - the temporary file is created exclusively (`COPYFILE_EXCL`) and removed
 *   when anything fails before the rename.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { parentPort } from "node:worker_threads"
import type { CopyBatch, CopyFailure, CopyJob, CopyResult } from "./posixCopyProtocol.ts"
import { isInside } from "./posixPath.ts"

const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK
const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY

const failed = (id: number, outcome: CopyFailure, cause?: unknown): CopyResult => {
  const error = cause as NodeJS.ErrnoException | undefined
  return { id, outcome, code: error?.code, message: error?.message }
}

/** Where the open descriptor `fd` really lies, asked of the kernel. */
const whereIs = (fd: number): string => fs.readlinkSync(`/proc/self/fd/${fd}`)

/** The target directories of one batch: an open, checked descriptor each, or why not. */
type Dirs = Map<string, number | CopyFailure>

const openDir = (realBase: string, dir: string): number | CopyFailure => {
  let fd: number
  try {
    fd = fs.openSync(dir, DIR_FLAGS)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    // Missing, or a file where a directory should be: the provider's mkdir says which.
    return code === "ENOENT" || code === "ENOTDIR" ? "dirMissing" : "target"
  }
  let inside = false
  try {
    inside = isInside(realBase, whereIs(fd))
  } finally {
    if (!inside) fs.closeSync(fd)
  }
  return inside ? fd : "targetEscapes"
}

const removeQuietly = (path: string): void => {
  try {
    fs.unlinkSync(path)
  } catch {
    // Gone already, or its directory is: nothing is left to clean up.
  }
}

const copyOne = (realBase: string, job: CopyJob, dirs: Dirs): CopyResult => {
  const { id } = job
  let source: number
  try {
    source = fs.openSync(job.source, READ_FLAGS)
  } catch (cause) {
    return failed(id, "source", cause)
  }
  try {
    if (!isInside(realBase, whereIs(source))) return failed(id, "sourceEscapes")
    if (!fs.fstatSync(source).isFile()) return failed(id, "sourceNotFile")
    let dir = dirs.get(job.dir)
    if (dir === undefined) {
      dir = openDir(realBase, job.dir)
      dirs.set(job.dir, dir)
    }
    if (typeof dir !== "number") return failed(id, dir)
    const temp = `/proc/self/fd/${dir}/${job.temp}`
    try {
      fs.copyFileSync(`/proc/self/fd/${source}`, temp, fs.constants.COPYFILE_EXCL)
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code
      // ENOENT: the directory was removed since it was opened (a concurrent delete).
      if (code === "ENOENT") dirs.set(job.dir, "dirMissing")
      return failed(id, code === "EEXIST" ? "tempExists" : code === "ENOENT" ? "dirMissing" : "target", cause)
    }
    let published = false
    try {
      // rename keeps inode and mtime, so these stats hold after publishing.
      const { ino, mtimeMs, mtimeNs, size } = fs.statSync(temp, { bigint: true })
      try {
        fs.renameSync(temp, `/proc/self/fd/${dir}/${job.name}`)
      } catch (cause) {
        return failed(id, "publish", cause)
      }
      published = true
      return { id, outcome: "copied", stamp: { ino, mtimeMs, mtimeNs, size } }
    } catch (cause) {
      return failed(id, "target", cause)
    } finally {
      if (!published) removeQuietly(temp)
    }
  } catch (cause) {
    return failed(id, "source", cause)
  } finally {
    fs.closeSync(source)
  }
}

const runBatch = ({ jobs, realBase }: CopyBatch): void => {
  const dirs: Dirs = new Map()
  try {
    const results: ReadonlyArray<CopyResult> = jobs.map((job) => copyOne(realBase, job, dirs))
    // A worker_threads port, not a window: there is no target origin to give.
    // oxlint-disable-next-line unicorn/require-post-message-target-origin
    parentPort!.postMessage(results)
  } finally {
    for (const dir of dirs.values()) if (typeof dir === "number") fs.closeSync(dir)
  }
}

parentPort!.on("message", runBatch)
