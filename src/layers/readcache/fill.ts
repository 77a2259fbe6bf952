/**
 * Filling a read-cache entry from the source, once: fibers of one process
 * that want the same entry share one download, and processes sharing the
 * directory take turns through the entry's lock file (the second finds the
 * entry the first made). A fill that cannot be admitted (the cache is full
 * and may not evict) is still served, from its temporary file, once.
 *
 * `tee` is the fast path of a whole-object miss: the reader gets the
 * source's bytes as they arrive while they are written into the entry.
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Effect, Exit, Stream } from "effect"
import type { Scope } from "effect"
import * as fsp from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import type { StorageError } from "../../services/StorageProvider.ts"
import { openEntry, writeEntry } from "./entryFile.ts"
import type { EntryContent, OpenEntry } from "./entryFile.ts"
import type { EntryHeader } from "./entryFormat.ts"
import { openWriter } from "./entryWriter.ts"
import { refreshLock, releaseLock, tryLock, withFileLock } from "./lockFile.ts"
import type { FileLock } from "./lockFile.ts"
import type { CacheStore } from "./store.ts"
import { ReadCacheError } from "./store.ts"

/** A download's lock is marked alive this often, well within the stale time. */
const REFRESH_MILLIS = 5_000

/**
 * Whether an entry holds exactly the expected content.
 *
 * @since 0.1.0
 * @category filling
 */
export const holds = (header: EntryHeader, expected: EntryContent): boolean =>
  header.etag === expected.etag && header.objectSize === expected.objectSize &&
  header.offset === expected.offset && header.length === expected.length

/** The lock file of the entry at `path`: a hidden file next to it. */
const lockPathOf = (path: string): string => join(dirname(path), `.${basename(path)}.lock`)

/** Marks a download's lock alive now and then, so other processes do not take it for stale. */
const progress = (lock: FileLock | undefined) => {
  let last = Date.now()
  return async () => {
    if (lock === undefined || Date.now() - last < REFRESH_MILLIS) return
    last = Date.now()
    await refreshLock(lock)
  }
}

interface Filled {
  readonly path: string
  /** Not admitted: the caller serves it once and removes it. */
  readonly temporary: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Filler {
  /**
   * The entry at `path` with the expected content, downloaded from `source`
   * unless someone has it already; `undefined` when the cache could not
   * store it (the caller reads the source directly).
   */
  readonly fill: (
    path: string,
    expected: EntryContent,
    source: Stream.Stream<Uint8Array, StorageError>
  ) => Effect.Effect<OpenEntry | undefined, StorageError, Scope.Scope>
  /**
   * The source's bytes, written into the entry at `path` as they pass (no
   * wait for the whole download); `undefined` when another fiber or process
   * is filling that entry already (then `fill` waits for it). A consumer
   * that stops early, or a write that fails, leaves no entry.
   */
  readonly tee: (
    path: string,
    expected: EntryContent,
    source: Stream.Stream<Uint8Array, StorageError>
  ) => Effect.Effect<Stream.Stream<Uint8Array, StorageError> | undefined>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeFiller = (store: CacheStore, entryLockWaitMillis: number): Filler => {
  const running = new Map<string, Deferred.Deferred<Filled, StorageError | ReadCacheError>>()

  const download = (path: string, expected: EntryContent, source: Stream.Stream<Uint8Array, StorageError>) =>
    withFileLock(
      lockPathOf(path),
      { waitMillis: entryLockWaitMillis },
      (lock) =>
        Effect.gen(function*() {
          // Another process may have made it while we waited for the lock.
          const ready = yield* Effect.scoped(
            Effect.map(openEntry(path, expected.key), (entry) => entry !== undefined && holds(entry.header, expected))
          )
          if (ready) return { path, temporary: false }
          yield* Effect.tryPromise({
            try: () => fsp.mkdir(dirname(path), { recursive: true }),
            catch: (cause) => new ReadCacheError({ message: `The read cache cannot create ${dirname(path)}`, cause })
          })
          const temp = store.tempPath()
          yield* writeEntry(temp, expected, source, progress(lock))
          const admitted = yield* store.admit(temp, path).pipe(
            Effect.catch((error) => Effect.as(Effect.logWarning(`Read cache: ${error.message}.`), false))
          )
          return admitted ? { path, temporary: false } : { path: temp, temporary: true }
        })
    ).pipe(Effect.withSpan("ReadCache.fill", {
      attributes: { "strata.storage.key": expected.key, "strata.readcache.bytes": expected.length }
    }))

  /** One download per path at a time in this process; the others wait for it. */
  const shared = (path: string, expected: EntryContent, source: Stream.Stream<Uint8Array, StorageError>) =>
    Effect.suspend(() => {
      const pending = running.get(path)
      if (pending !== undefined) return Deferred.await(pending)
      const deferred = Deferred.makeUnsafe<Filled, StorageError | ReadCacheError>()
      running.set(path, deferred)
      return download(path, expected, source).pipe(
        Effect.onExit((exit) => {
          running.delete(path)
          return Deferred.done(deferred, exit)
        })
      )
    })

  const fill = (path: string, expected: EntryContent, source: Stream.Stream<Uint8Array, StorageError>) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(shared(path, expected, source))
      if (Exit.isFailure(exit)) {
        const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error
        if (error !== undefined && error._tag === "StorageError") return yield* Effect.fail(error)
        yield* Effect.logWarning(`Read cache: '${expected.key}' is read from the source: ${
          error === undefined ? "its download was interrupted" : error.message
        }.`)
        return undefined
      }
      const filled = exit.value
      const entry = yield* openEntry(filled.path, expected.key)
      if (filled.temporary) yield* Effect.promise(() => fsp.unlink(filled.path).catch(() => undefined))
      return entry !== undefined && holds(entry.header, expected) ? entry : undefined
    })

  const tee = (path: string, expected: EntryContent, source: Stream.Stream<Uint8Array, StorageError>) =>
    Effect.gen(function*() {
      if (running.has(path)) return undefined
      // Registered before the first wait, so this process's other readers of the entry wait for this one.
      const deferred = Deferred.makeUnsafe<Filled, StorageError | ReadCacheError>()
      running.set(path, deferred)
      const lock = yield* Effect.promise(() => tryLock(lockPathOf(path)).catch(() => null))
      if (lock === undefined) {
        // Another process is downloading it: wait for that (as `fill` does); the caller then reads the entry.
        const exit = yield* Effect.exit(download(path, expected, source))
        running.delete(path)
        yield* Deferred.done(deferred, exit)
        return undefined
      }
      const held = lock ?? undefined
      const done = (exit: Exit.Exit<Filled, ReadCacheError>) =>
        Effect.gen(function*() {
          if (held !== undefined) yield* Effect.promise(() => releaseLock(held))
          running.delete(path)
          yield* Deferred.done(deferred, exit)
        })
      const writer = yield* Effect.promise(() =>
        fsp.mkdir(dirname(path), { recursive: true }).then(() => openWriter(store.tempPath(), expected)).catch(() => undefined)
      )
      if (writer === undefined) {
        yield* done(Exit.fail(new ReadCacheError({ message: `The read cache cannot write an entry for '${expected.key}'` })))
        return source
      }
      let broken = false
      const refresh = progress(held)
      const finish = (succeeded: boolean) =>
        Effect.gen(function*() {
          if (!succeeded || broken || writer.written() !== expected.length) {
            yield* Effect.promise(writer.abort)
            return yield* new ReadCacheError({ message: `The download of '${expected.key}' into the cache did not complete` })
          }
          const now = yield* Clock.currentTimeMillis
          yield* Effect.tryPromise({
            try: () => writer.complete(now),
            catch: (cause) => new ReadCacheError({ message: `The read cache cannot write ${writer.temp}`, cause })
          }).pipe(Effect.tapError(() => Effect.promise(writer.abort)))
          const admitted = yield* store.admit(writer.temp, path).pipe(Effect.tapError(() => Effect.promise(writer.abort)))
          if (!admitted) {
            yield* Effect.promise(writer.abort)
            return yield* new ReadCacheError({ message: `The cache has no room for '${expected.key}'` })
          }
          return { path, temporary: false }
        })
      return source.pipe(
        Stream.mapEffect((bytes) =>
          broken ? Effect.succeed(bytes) : Effect.promise(() =>
            writer.write(bytes).then(refresh).then(() => bytes, () => {
              broken = true
              return bytes
            })
          )),
        Stream.onExit((exit) => Effect.exit(finish(Exit.isSuccess(exit))).pipe(Effect.flatMap(done)))
      )
    }).pipe(Effect.withSpan("ReadCache.tee", {
      attributes: { "strata.storage.key": expected.key, "strata.readcache.bytes": expected.length }
    }))

  return { fill, tee }
}
