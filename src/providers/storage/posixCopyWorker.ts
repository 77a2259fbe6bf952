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
 *   lies (`/proc/self/fd`), and its bytes are read from that descriptor;
 * - the target's directory is opened and checked the same way, once per
 *   batch, and the temporary file is created and renamed through that
 *   descriptor: a directory swapped for a symlink after the check changes
 *   nothing (the asynchronous path's `realpath` check has a window there);
 * - the temporary file is created exclusively and removed when anything
 *   fails before the rename.
 *
 * The copy gives what `copyFile` gives (the source's mode, and its owner
 * where this process may; the modification time of the copy: libuv sets the
 * source's times before it writes the bytes), with fewer system calls:
 * `copyFileSync` opened the source a second time (through `/proc`), always
 * called `utimensat`, `fchown` and `fchmod`, and the result was stat'ed by
 * path. Here a file that fits the buffer of this thread goes through it
 * (one `read`, one `write`: as cheap as `copy_file_range` for 64 KiB files),
 * and its mode and owner are only set when creating the file did not already
 * give them; a larger one is still copied by `copyFileSync` between the two
 * open descriptors (`copy_file_range`: fewer copies, and a reflink where the
 * file system shares blocks).
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { parentPort } from "node:worker_threads"
import { decodeBatch } from "./posixCopyProtocol.ts"
import type { CopyFailure, CopyFailureAt, CopyJob, CopyReply } from "./posixCopyProtocol.ts"
import { CREATE_FLAGS, isInside, READ_FLAGS } from "./posixPath.ts"

const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY

/** The bytes of a file up to this size pass through it; larger files are copied by the kernel. */
const buffer = Buffer.allocUnsafeSlow(1024 * 1024)

const failure = (index: number, outcome: CopyFailure, cause?: unknown): CopyFailureAt => {
  const error = cause as NodeJS.ErrnoException | undefined
  return error === undefined ? [index, outcome] : [index, outcome, error.code, error.message]
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

/** Reading the source failed (the other errors of a copy are the target's). */
class ReadFailed {
  readonly cause: unknown
  constructor(cause: unknown) {
    this.cause = cause
  }
}

/**
 * Copies `size` bytes (the size stat gave, as copyFile; fewer if the file
 * shrank meanwhile) from `from` to `to`: through the buffer when they fit,
 * else by the kernel.
 */
const copyBytes = (from: number, to: number, size: number): void => {
  if (size > buffer.length) {
    // Both paths name the open descriptors: the checked source, our exclusive temporary file.
    fs.copyFileSync(`/proc/self/fd/${from}`, `/proc/self/fd/${to}`)
    return
  }
  for (let left = size; left > 0;) {
    let read: number
    try {
      read = fs.readSync(from, buffer, 0, Math.min(buffer.length, left), null)
    } catch (cause) {
      throw new ReadFailed(cause)
    }
    if (read === 0) return
    for (let written = 0; written < read;) written += fs.writeSync(to, buffer, written, read - written)
    left -= read
  }
}

/**
 * Fills `temp` (open, in the checked directory) from the checked `source`,
 * and gives it the source's mode and owner; its stamp goes to `stamps` at
 * `at`. Throws what the file system threw (`ReadFailed` for the source).
 */
const fill = (source: number, from: fs.Stats, temp: number, stamps: BigUint64Array, at: number): void => {
  copyBytes(source, temp, from.size)
  const made = fs.fstatSync(temp, { bigint: true })
  // The mode given at creation is cut by the umask; chmod and chown change ctime only, so the stamp holds.
  if (Number(made.mode & 0o7777n) !== (from.mode & 0o7777)) fs.fchmodSync(temp, from.mode & 0o7777)
  if (Number(made.uid) !== from.uid || Number(made.gid) !== from.gid) {
    try {
      fs.fchownSync(temp, from.uid, from.gid)
    } catch {
      // Only a privileged process may give files away, as copyFile's fchown.
    }
  }
  stamps[at] = made.ino
  stamps[at + 1] = made.size
  stamps[at + 2] = made.mtimeNs
  stamps[at + 3] = made.mtimeMs
}

const copyOne = (realBase: string, job: CopyJob, dirs: Dirs, stamps: BigUint64Array, index: number): CopyFailureAt | undefined => {
  // A directory an earlier job of the batch found missing (the first copies
  // into a new directory): the provider creates it and sends the job again,
  // so the source need not be opened now.
  const known = dirs.get(job.dir)
  if (known !== undefined && typeof known !== "number") return failure(index, known)
  let source: number
  try {
    source = fs.openSync(job.source, READ_FLAGS)
  } catch (cause) {
    return failure(index, "source", cause)
  }
  try {
    if (!isInside(realBase, whereIs(source))) return failure(index, "sourceEscapes")
    const from = fs.fstatSync(source)
    if (!from.isFile()) return failure(index, "sourceNotFile")
    let dir: number | CopyFailure | undefined = known
    if (dir === undefined) {
      dir = openDir(realBase, job.dir)
      dirs.set(job.dir, dir)
    }
    if (typeof dir !== "number") return failure(index, dir)
    const tempPath = `/proc/self/fd/${dir}/${job.temp}`
    let temp: number
    try {
      temp = fs.openSync(tempPath, CREATE_FLAGS, from.mode & 0o7777)
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code
      // ENOENT: the directory was removed since it was opened (a concurrent delete).
      if (code === "ENOENT") {
        fs.closeSync(dir)
        dirs.set(job.dir, "dirMissing")
      }
      return failure(index, code === "EEXIST" ? "tempExists" : code === "ENOENT" ? "dirMissing" : "target", cause)
    }
    let published = false
    try {
      try {
        fill(source, from, temp, stamps, index * 4)
      } finally {
        fs.closeSync(temp)
      }
      try {
        fs.renameSync(tempPath, `/proc/self/fd/${dir}/${job.name}`)
      } catch (cause) {
        return failure(index, "publish", cause)
      }
      published = true
      return undefined
    } catch (cause) {
      return cause instanceof ReadFailed ? failure(index, "source", cause.cause) : failure(index, "target", cause)
    } finally {
      if (!published) removeQuietly(tempPath)
    }
  } catch (cause) {
    return failure(index, "source", cause)
  } finally {
    fs.closeSync(source)
  }
}

const runBatch = (text: string): void => {
  const { jobs, realBase } = decodeBatch(text)
  const dirs: Dirs = new Map()
  const stamps = new BigUint64Array(jobs.length * 4)
  let failures: Array<CopyFailureAt> | undefined
  try {
    for (let index = 0; index < jobs.length; index++) {
      const failed = copyOne(realBase, jobs[index]!, dirs, stamps, index)
      if (failed !== undefined) (failures ??= []).push(failed)
    }
  } finally {
    for (const dir of dirs.values()) if (typeof dir === "number") fs.closeSync(dir)
  }
  const reply: CopyReply = failures === undefined ? { stamps } : { stamps, failures }
  // A worker_threads port, not a window: there is no target origin to give.
  // oxlint-disable-next-line unicorn/require-post-message-target-origin
  parentPort!.postMessage(reply, [stamps.buffer])
}

parentPort!.on("message", runBatch)
