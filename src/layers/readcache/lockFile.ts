/**
 * Lock files shared by processes: a lock is a file created with `O_EXCL`
 * (`wx`), holding `host pid token`. A lock is stale, and is broken, when its
 * holder is a process of this host that no longer runs, or when nobody has
 * refreshed it for `staleMillis` (a holder refreshes it while it works, so
 * a crashed holder on another host of a shared file system is recovered
 * too).
 *
 * Breaking renames the stale file to a unique name first, so two breakers
 * cannot both win; a holder only removes its lock while it still holds its
 * own token. The read cache never depends on a lock for correctness (entries
 * appear by atomic rename and are checksummed): locks only keep processes
 * from doing the same download twice, and keep the size bookkeeping exact.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as fsp from "node:fs/promises"
import { hostname } from "node:os"
import { codeOf } from "../../services/Errno.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface FileLock {
  readonly path: string
  readonly token: string
}

/** Locks untouched for this long are taken to be left behind by a crash. */
const DEFAULT_STALE_MILLIS = 30_000
const HOST = hostname()
let counter = 0

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    // EPERM: it runs, under another user.
    return codeOf(cause) === "EPERM"
  }
}

const isStale = async (path: string, staleMillis: number): Promise<boolean> => {
  const [content, stats] = await Promise.all([fsp.readFile(path, "utf8"), fsp.stat(path)]).catch((cause) => {
    if (codeOf(cause) === "ENOENT") return [undefined, undefined] as const
    throw cause
  })
  if (content === undefined || stats === undefined) return false // released meanwhile: try again
  const [host, pid] = content.split(" ")
  if (host === HOST && pid !== undefined && /^\d+$/.test(pid) && !isAlive(Number(pid))) return true
  return Date.now() - stats.mtimeMs > staleMillis
}

/**
 * Takes the lock at `path` if it is free (or stale, then it is broken);
 * `undefined` when another holder has it.
 *
 * @since 0.1.0
 * @category locking
 */
export const tryLock = async (path: string, staleMillis: number = DEFAULT_STALE_MILLIS): Promise<FileLock | undefined> => {
  const token = `${HOST} ${process.pid} ${Date.now()}-${counter++}`
  for (let round = 0; round < 2; round++) {
    try {
      await fsp.writeFile(path, token, { flag: "wx" })
      return { path, token }
    } catch (cause) {
      if (codeOf(cause) !== "EEXIST" || round > 0 || !(await isStale(path, staleMillis))) {
        if (codeOf(cause) === "EEXIST") return undefined
        throw cause
      }
      const broken = `${path}.stale-${process.pid}-${counter++}`
      await fsp.rename(path, broken).then(() => fsp.unlink(broken), (error) => {
        if (codeOf(error) !== "ENOENT") throw error
      })
    }
  }
  return undefined
}

/**
 * Marks the lock as still in use (for holds longer than the stale time).
 *
 * @since 0.1.0
 * @category locking
 */
export const refreshLock = async (lock: FileLock): Promise<void> => {
  const now = new Date()
  await fsp.utimes(lock.path, now, now).catch(() => undefined)
}

/**
 * Releases a lock, unless someone broke it meanwhile (then it is theirs).
 *
 * @since 0.1.0
 * @category locking
 */
export const releaseLock = async (lock: FileLock): Promise<void> => {
  const content = await fsp.readFile(lock.path, "utf8").catch(() => undefined)
  if (content === lock.token) await fsp.unlink(lock.path).catch(() => undefined)
}

/**
 * Runs `effect` holding the lock at `path`, waiting for it (polling, up to
 * `waitMillis`); when the wait runs out, or the lock cannot be made at all,
 * `effect` runs without it (`locked` = false) and the caller decides.
 *
 * @since 0.1.0
 * @category locking
 */
export const withFileLock = <A, E, R>(
  path: string,
  options: { readonly waitMillis: number; readonly staleMillis?: number | undefined },
  effect: (lock: FileLock | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.acquireUseRelease(
    Effect.gen(function*() {
      const deadline = Date.now() + options.waitMillis
      let pause = 5
      while (true) {
        const lock = yield* Effect.promise(() => tryLock(path, options.staleMillis).catch(() => null))
        // null: the lock file cannot be made at all (a read-only directory ...): waiting will not help.
        if (lock === null) return undefined
        if (lock !== undefined || Date.now() >= deadline) return lock
        // Only the wait is interruptible: a lock taken is always handed to the release.
        yield* Effect.interruptible(Effect.sleep(pause))
        pause = Math.min(pause * 2, 100)
      }
    }),
    effect,
    (lock) => (lock === undefined ? Effect.void : Effect.promise(() => releaseLock(lock)))
  )
