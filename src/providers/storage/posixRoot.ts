/**
 * The base directory of a POSIX provider and the rule that nothing outside it
 * is ever read or written: key → path, realpath containment checks, directory
 * creation, and an in-process lock per key.
 *
 * How containment is checked, and what it costs:
 *
 * - Reads open the path first and then ask the kernel where the opened file
 *   really is (`readlink /proc/self/fd/<fd>`, never touching the disk). The
 *   check is on the very file that will be read, so no later swap of a
 *   directory for a symlink can fool it; it costs one thread-pool round trip
 *   (about 5% of small-read throughput at concurrency 16, a quarter of the
 *   latency at concurrency 1). Where `/proc` is missing (macOS), the path
 *   is resolved with `realpath` before the open; a symlink swapped in
 *   between the two calls is not noticed (a TOCTOU window).
 * - Writes and deletes resolve the parent directory with `realpath` before
 *   creating or removing anything in it. A directory swapped for a symlink
 *   between that check and the open/rename/unlink that follows would not be
 *   noticed (a TOCTOU window: Node has no `openat`). Copies in bulk (a sync)
 *   close it on Linux: their threads open the directory, check the
 *   descriptor, and create and rename through `/proc/self/fd/<fd>/<name>`
 *   (`posixCopyWorker.ts`).
 *   The final component is never followed by writes: `rename` and `unlink`
 *   act on a symlink itself, so a put over a symlink replaces the link.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import { storageError } from "../../services/StorageProvider.ts"
import { closeQuietly, codeOf, escapes, fsError, openFd } from "./posixFs.ts"
import type { CopyPool } from "./posixCopyPool.ts"
import { dirOf, isInside } from "./posixPath.ts"

export { dirOf, isInside }

/**
 * @since 0.1.0
 * @category models
 */
export interface PosixRoot {
  /** The base path: absolute, normalised, no trailing "/" (unless it is "/"). */
  readonly base: string
  /** fdatasync each object before publishing it, and its directory after. */
  readonly fsync: boolean
  /** Whether `/proc/self/fd` tells where an open file lives. */
  readonly procFd: boolean
  /** realpath(base), once it exists. */
  realBase: string | undefined
  /** Tails of the per-key lock chains. */
  readonly locks: Map<string, Promise<void>>
  /** The copy threads, where the platform allows them (Linux's `/proc`, no `fsync`). */
  readonly copyPool: CopyPool | undefined
  /** Copies in flight, to tell a bulk copy (a sync) from a lone one. */
  copying: number
  /** Directories being created for threaded copies, shared by the copies waiting for them. */
  readonly creating: Map<string, Promise<void>>
}

/**
 * The local path of a (validated) key.
 *
 * @since 0.1.0
 * @category paths
 */
export const pathOf = (root: PosixRoot, key: string): string => (root.base === "/" ? `/${key}` : `${root.base}/${key}`)

/**
 * realpath(base), resolved once; fails with ENOENT while the base does not
 * exist.
 *
 * @since 0.1.0
 * @category paths
 */
export const realBaseOf = async (root: PosixRoot): Promise<string> => {
  if (root.realBase !== undefined) return root.realBase
  const real = await fsp.realpath(root.base)
  root.realBase = real
  return real
}

/**
 * Where the open file `fd` lives (needs `procFd`). Asked of the thread pool:
 * a synchronous readlink of /proc costs the event loop several
 * microseconds, which showed as a third of the throughput of small reads at
 * concurrency 16.
 *
 * @since 0.1.0
 * @category paths
 */
export const whereIs = (fd: number): Promise<string> =>
  new Promise((resolve, reject) =>
    fs.readlink(`/proc/self/fd/${fd}`, (error, target) => (error ? reject(error) : resolve(target)))
  )

/**
 * Opens an existing file for reading, refusing one that lies outside the
 * base path (see the module comment). Errors are raw errno errors or
 * `StorageError`s.
 *
 * @since 0.1.0
 * @category paths
 */
export const openInside = async (
  root: PosixRoot,
  key: string,
  path: string,
  flags: number,
  operation: string
): Promise<number> => {
  if (!root.procFd) {
    const real = await fsp.realpath(path)
    if (!isInside(await realBaseOf(root), real)) throw escapes(key, root.base, operation)
    return openFd(real, flags)
  }
  const fd = await openFd(path, flags)
  let real: string
  let realBase: string
  try {
    real = await whereIs(fd)
    // The base exists: something was just opened below it.
    realBase = root.realBase ?? (await realBaseOf(root))
  } catch (cause) {
    closeQuietly(fd)
    throw cause
  }
  if (!isInside(realBase, real)) {
    closeQuietly(fd)
    throw escapes(key, root.base, operation)
  }
  return fd
}

/**
 * Fails unless the directory `dir` (which exists) resolves inside the base.
 *
 * @since 0.1.0
 * @category paths
 */
export const checkDirInside = async (root: PosixRoot, key: string, dir: string, operation: string): Promise<void> => {
  const real = await fsp.realpath(dir)
  if (!isInside(await realBaseOf(root), real)) throw escapes(key, root.base, operation)
}

/**
 * `InvalidPath` for a key below an object (`a/b` when `a` is a file).
 *
 * @since 0.1.0
 * @category errors
 */
export const parentIsFile = (key: string, operation: string, cause: unknown) =>
  storageError("InvalidPath", `Cannot write '${key}': one of its parents is an object, not a directory.`, {
    operation,
    key,
    cause
  })

/**
 * Creates the directory `dir` (and its parents) for `key`, after checking
 * that its deepest existing ancestor resolves inside the base, so `mkdir`
 * never follows a symlink out of it. Creates the base too when missing.
 *
 * @since 0.1.0
 * @category paths
 */
export const ensureDir = async (root: PosixRoot, key: string, dir: string, operation: string): Promise<void> => {
  if (root.realBase === undefined) {
    await fsp.mkdir(root.base, { recursive: true }).catch((cause) => {
      const code = codeOf(cause)
      throw code === "EEXIST" || code === "ENOTDIR"
        ? storageError("InvalidPath", `The base path ${root.base} is not a directory.`, { operation, key, cause })
        : fsError(cause, operation, key, root.base)
    })
    await realBaseOf(root)
  }
  let existing = dir
  for (;;) {
    const real = await fsp.realpath(existing).catch((cause) => {
      const code = codeOf(cause)
      if (code === "ENOTDIR") throw parentIsFile(key, operation, cause)
      if (code !== "ENOENT") throw fsError(cause, operation, key, existing)
      return undefined
    })
    if (real !== undefined) {
      if (!isInside(root.realBase!, real)) throw escapes(key, root.base, operation)
      break
    }
    if (existing.length <= root.base.length) break
    existing = dirOf(existing)
  }
  await fsp.mkdir(dir, { recursive: true }).catch((cause) => {
    const code = codeOf(cause)
    throw code === "EEXIST" || code === "ENOTDIR" ? parentIsFile(key, operation, cause) : fsError(cause, operation, key, dir)
  })
}

/**
 * Runs `f` after every earlier `withLock` on the same key has finished. The
 * lock orders conditional writes and deletes within this process only:
 * another process writing the same file between a precondition check and
 * the rename is not seen (create-only puts are atomic across processes: they
 * publish with `link`).
 *
 * @since 0.1.0
 * @category locks
 */
export const withLock = async <A>(root: PosixRoot, key: string, f: () => Promise<A>): Promise<A> => {
  const previous = root.locks.get(key)
  let release!: () => void
  const mine = new Promise<void>((resolve) => {
    release = resolve
  })
  const tail = previous === undefined ? mine : previous.then(() => mine)
  root.locks.set(key, tail)
  if (previous !== undefined) await previous
  try {
    return await f()
  } finally {
    release()
    if (root.locks.get(key) === tail) root.locks.delete(key)
  }
}
