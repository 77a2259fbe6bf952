/**
 * The read cache's directory, shared by every profile of a client and by
 * every process that points at the same location.
 *
 * Layout under `<location>/strata/`:
 * - `<profile>/<hh>/<sha256 of key>`: a whole object; `...>.l<n>`: cache line
 *   `n` of it (`hh` = the hash's first two hex digits; the profile name is
 *   percent-encoded, so it never leaves the directory);
 * - `<profile>/<hh>/.<name>.lock`: held while one process downloads an entry;
 * - `.tmp/`: entries being written, renamed into place when complete;
 * - `.size` and `.size.lock`: the total size of the entries, kept under the
 *   lock by every process that adds one.
 *
 * The size bound: an entry is added (renamed into place) under `.size.lock`,
 * after making room for it, so processes sharing the directory together stay
 * within `size`. The total in `.size` only ever over-counts (removals do not
 * update it), and when it says the new entry would not fit, or
 * `refresh_interval` has passed, the directory is scanned again and the
 * total rebuilt from the files. Readers never see a partial entry: files
 * appear by rename, and a removed file stays readable to whoever opened it.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Random, Schema, Semaphore } from "effect"
import { createHash } from "node:crypto"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { codeOf } from "../../services/Errno.ts"
import { evictionOrder, purgeTarget, victims } from "./eviction.ts"
import type { CachedFile, EvictionPolicy } from "./eviction.ts"
import { withFileLock } from "./lockFile.ts"

/**
 * A cache operation that failed on the local disk. The read cache never
 * passes it on: the read is served by the provider instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReadCacheError extends Schema.TaggedError<ReadCacheError>()("ReadCacheError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface StoreSettings {
  /** The cache location (`<location>/strata` holds strata's entries). */
  readonly location: string
  readonly maxBytes: number
  readonly policy: EvictionPolicy
  readonly refreshIntervalMillis: number
  /** Percent of `maxBytes` freed beyond what is needed when eviction runs. */
  readonly purgeFactor: number
  /** How long to wait for another process's lock before going on without. */
  readonly lockWaitMillis: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CacheStore {
  readonly settings: StoreSettings
  readonly root: string
  /** The file of a whole object (`line` undefined) or of one of its cache lines. */
  readonly entryPath: (profile: string, key: string, line?: number) => string
  /** A fresh temporary path for a new entry. */
  readonly tempPath: () => string
  /** Puts a complete temporary entry in place if it fits (evicting to make room); whether it was. */
  readonly admit: (temp: string, target: string) => Effect.Effect<boolean, ReadCacheError>
  /** Whether an entry of this many bytes could be admitted at all. */
  readonly mayAdmit: (bytes: number) => boolean
  /** Scans the directory and evicts down to the bound now. */
  readonly evict: Effect.Effect<void, ReadCacheError>
  /** Every entry file with its size and times. */
  readonly scan: Effect.Effect<ReadonlyArray<CachedFile>, ReadCacheError>
  /** Removes a key's whole entry and cache lines. */
  readonly removeKey: (profile: string, key: string) => Effect.Effect<void, ReadCacheError>
}

const ENTRY_NAME = /^[0-9a-f]{64}(\.l\d+)?$/
const SUBDIR = /^[0-9a-f]{2}$/
/** Temporary files older than this are left over from a crash. */
const STALE_TEMP_MS = 10 * 60 * 1000
let tempCounter = 0

/** A profile name as a directory name: percent-encoded, and never `.` or `..`. */
const profileDir = (profile: string): string => encodeURIComponent(profile).replace(/^\./, "%2E")

const hashOf = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

const fail = (message: string) => (cause: unknown) => new ReadCacheError({ message, cause })

const ignoreMissing = (cause: unknown): undefined => {
  if (codeOf(cause) === "ENOENT") return undefined
  throw cause
}

const listDir = (dir: string): Promise<Array<string>> =>
  fsp.readdir(dir).catch((cause) => (codeOf(cause) === "ENOENT" || codeOf(cause) === "ENOTDIR" ? [] : Promise.reject(cause)))

/** Every entry file under `root`; removes stale temporary files on the way. */
const scanFiles = async (root: string): Promise<Array<CachedFile>> => {
  const files: Array<CachedFile> = []
  const now = Date.now()
  for (const temp of await listDir(join(root, ".tmp"))) {
    const path = join(root, ".tmp", temp)
    const stats = await fsp.stat(path).catch(ignoreMissing)
    // By ctime: a new entry's mtime is set to the (possibly test) clock's time before it is renamed.
    if (stats !== undefined && now - stats.ctimeMs > STALE_TEMP_MS) await fsp.unlink(path).catch(ignoreMissing)
  }
  for (const profile of await listDir(root)) {
    if (profile.startsWith(".")) continue
    for (const sub of await listDir(join(root, profile))) {
      if (!SUBDIR.test(sub)) continue
      const dir = join(root, profile, sub)
      for (const name of await listDir(dir)) {
        if (!ENTRY_NAME.test(name)) continue
        const path = join(dir, name)
        const stats = await fsp.stat(path).catch(ignoreMissing)
        if (stats?.isFile()) files.push({ path, size: stats.size, accessed: stats.atimeMs, written: stats.mtimeMs })
      }
    }
  }
  return files
}

const sizeOf = (files: ReadonlyArray<CachedFile>): number => files.reduce((sum, file) => sum + file.size, 0)

/**
 * Opens the cache directory of `settings.location`, creating it when
 * missing, and evicts down to the bound (another process's eviction in
 * progress is waited for, up to `lockWaitMillis`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const openStore = Effect.fn("ReadCache.openStore")(function*(settings: StoreSettings) {
  const root = join(settings.location, "strata")
  yield* Effect.tryPromise({
    try: () => fsp.mkdir(join(root, ".tmp"), { recursive: true }),
    catch: fail(`The read cache directory ${root} cannot be created`)
  })
  const ledgerPath = join(root, ".size")
  const ledgerLock = join(root, ".size.lock")
  // Fibers of this process take turns; the lock file is for other processes.
  const turn = Semaphore.makeUnsafe(1)
  let lastScan = Number.NEGATIVE_INFINITY
  let estimate = 0

  const readLedger = Effect.promise(() =>
    fsp.readFile(ledgerPath, "utf8").then((text) => (/^\d+$/.test(text) ? Number(text) : undefined), () => undefined)
  )
  const writeLedger = (total: number) =>
    Effect.tryPromise({
      try: async () => {
        const temp = join(root, ".tmp", `.size-${process.pid}-${tempCounter++}`)
        await fsp.writeFile(temp, String(total))
        await fsp.rename(temp, ledgerPath)
      },
      catch: fail(`The read cache size record ${ledgerPath} cannot be written`)
    }).pipe(Effect.tap(() => Effect.sync(() => (estimate = total))))

  const scan = Effect.tryPromise({ try: () => scanFiles(root), catch: fail(`The read cache ${root} cannot be scanned`) })

  /** Scans and evicts until `incoming` more bytes fit; the total after, or undefined if they cannot fit. */
  const makeRoom = (incoming: number) =>
    Effect.gen(function*() {
      const files = yield* scan
      lastScan = yield* Clock.currentTimeMillis
      let total = sizeOf(files)
      if (total + incoming > settings.maxBytes) {
        if (settings.policy === "no_eviction") return { total, fits: false }
        const random = yield* Random.Random
        const ordered = evictionOrder(settings.policy, files, () => random.nextDoubleUnsafe())
        const target = Math.min(purgeTarget(settings.maxBytes, settings.purgeFactor), settings.maxBytes - incoming)
        const chosen = victims(ordered, total, Math.max(0, target))
        yield* Effect.annotateCurrentSpan("strata.readcache.evicted", chosen.length)
        for (const file of chosen) {
          yield* Effect.promise(() => fsp.unlink(file.path).catch(() => undefined))
          total -= file.size
        }
      }
      return { total, fits: total + incoming <= settings.maxBytes }
    })

  const underLock = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | ReadCacheError, R> =>
    turn.withPermits(1)(withFileLock(ledgerLock, { waitMillis: settings.lockWaitMillis }, (lock) =>
      lock === undefined
        ? Effect.fail<E | ReadCacheError>(new ReadCacheError({ message: `The read cache lock ${ledgerLock} stayed busy` }))
        : effect))

  const evict = underLock(Effect.gen(function*() {
    const { total } = yield* makeRoom(0)
    yield* writeLedger(total)
  })).pipe(Effect.withSpan("ReadCache.evict"))

  const admit = (temp: string, target: string) =>
    underLock(Effect.gen(function*() {
      const bytes = (yield* Effect.tryPromise({ try: () => fsp.stat(temp), catch: fail(`The new cache entry ${temp} is gone`) })).size
      const replaced = (yield* Effect.promise(() => fsp.stat(target).catch(() => undefined)))?.size ?? 0
      const now = yield* Clock.currentTimeMillis
      let total = (yield* readLedger) ?? Number.POSITIVE_INFINITY
      if (total + bytes - replaced > settings.maxBytes || now - lastScan >= settings.refreshIntervalMillis) {
        const room = yield* makeRoom(bytes)
        if (!room.fits) {
          yield* writeLedger(room.total)
          return false
        }
        total = room.total
      } else {
        total -= replaced
      }
      yield* Effect.tryPromise({
        try: async () => {
          await fsp.mkdir(join(target, ".."), { recursive: true })
          await fsp.rename(temp, target)
        },
        catch: fail(`The cache entry ${target} cannot be put in place`)
      })
      yield* writeLedger(total + bytes)
      return true
    })).pipe(Effect.withSpan("ReadCache.admit"))

  const entryPath = (profile: string, key: string, line?: number) => {
    const hash = hashOf(key)
    return join(root, profileDir(profile), hash.slice(0, 2), line === undefined ? hash : `${hash}.l${line}`)
  }

  const removeKey = (profile: string, key: string) =>
    Effect.tryPromise({
      try: async () => {
        const whole = entryPath(profile, key)
        const dir = join(whole, "..")
        const hash = whole.slice(dir.length + 1)
        const names = await listDir(dir)
        await Promise.all(
          names.filter((name) => name === hash || name.startsWith(`${hash}.l`)).map((name) =>
            fsp.unlink(join(dir, name)).catch(ignoreMissing)
          )
        )
      },
      catch: fail(`The cache entries of '${key}' cannot be removed`)
    })

  const store: CacheStore = {
    settings,
    root,
    entryPath,
    tempPath: () => join(root, ".tmp", `${process.pid}-${tempCounter++}-${Date.now()}`),
    admit,
    mayAdmit: (bytes) =>
      bytes <= settings.maxBytes && !(settings.policy === "no_eviction" && estimate + bytes > settings.maxBytes),
    evict,
    scan,
    removeKey
  }
  // At start, as MSC: bring the directory within bounds (skipped if another process holds the lock too long).
  yield* evict.pipe(Effect.catch((error) => Effect.logWarning(`Read cache: ${error.message}`)))
  return store
})
