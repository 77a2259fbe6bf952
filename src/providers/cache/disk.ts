/**
 * A `Cache` in a directory of the local disk that survives restarts: one file
 * per key (see `diskFormat.ts` for the format, `diskStore.ts` for the layout).
 *
 * - **Atomic writes**: each write goes to a temporary file renamed over the
 *   target, so a reader (in this process or another) sees the old entry or
 *   the new one, never a partial file. `touch` rewrites the file the same
 *   way with the new expiry. `setMany` writes its entries one by one (each
 *   atomic, not all together).
 * - **Expiry** is stored as an absolute time taken from the Effect `Clock`
 *   (so `TestClock` drives it) and checked on every read; an expired file is
 *   removed when it is read and otherwise by eviction.
 * - **Corruption**: a truncated, garbled or foreign file is a miss, never an
 *   error: it is removed on read, and `delete` of it reports `false`. A file
 *   holding another key (a SHA-256 collision) is a miss too, and is left alone.
 *   Reason `Corrupt` is therefore never returned by this provider.
 * - **Size bound** (`maxBytes`, file sizes including headers): after a write
 *   pushes the total over it, the least recently used files are removed. The
 *   LRU order lives in memory: rebuilt at start from the files' modification
 *   times (last write), then updated by every read and write of this
 *   instance. Several instances (processes) over one directory each see
 *   every entry, but each bounds only the files it knows of (present at its
 *   start, or read or written by it), so together they may exceed `maxBytes`
 *   until one of them writes again.
 * - **Errors**: file system failures (permissions, disk full ...) are
 *   `Unavailable`, naming the key and the directory.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Layer, Option, Schema } from "effect"
import type { Duration } from "effect"
import { Cache, CacheError } from "../../services/Cache.ts"
import type { CacheShape, SetOptions } from "../../services/Cache.ts"
import { ttlMillis, validateEntries, validateKey, validateKeys, validateValue } from "../../services/CacheKey.ts"
import { encodeEntry } from "./diskFormat.ts"
import { codeOf } from "../../services/Errno.ts"
import { nameOf, openStore, readEntry, removeEntry, touchEntry, writeFile } from "./diskStore.ts"
import type { DiskStore } from "./diskStore.ts"

const Positive = Schema.Int.check(Schema.isGreaterThan(0))

/**
 * Options of the disk cache.
 *
 * @since 0.1.0
 * @category models
 */
export const DiskCacheOptions = Schema.Struct({
  /** The cache directory; created when missing. */
  directory: Schema.String,
  /** The most bytes kept on disk (files, headers included); default 1 GiB. */
  maxBytes: Schema.optional(Positive),
  /** Larger values fail with `ValueTooLarge`; default 16 MiB, at most `maxBytes`. */
  maxValueBytes: Schema.optional(Positive)
})
export type DiskCacheOptions = typeof DiskCacheOptions.Type

const codeOrMessage = (cause: unknown): string =>
  codeOf(cause) ?? (cause instanceof Error ? cause.message : String(cause))

const expiryOf = (ttl: number | undefined, now: number): number => (ttl === undefined ? 0 : now + ttl)

const makeShape = (store: DiskStore, maxValueBytes: number): CacheShape => {
  const io = <A>(operation: string, keys: ReadonlyArray<string>, work: () => Promise<A>) =>
    Effect.tryPromise({
      try: work,
      catch: (cause) => {
        const named = keys.length === 1 ? `'${keys[0]}'` : `'${keys[0]}' and ${keys.length - 1} more`
        return new CacheError({
          reason: "Unavailable",
          operation,
          key: keys[0],
          message: `The disk cache at ${store.directory} could not ${operation} the key ${named}: ${codeOrMessage(cause)}.`,
          cause
        })
      }
    })

  const get = Effect.fn("DiskCache.get")(function*(key: string) {
    yield* validateKey(key, "get")
    const now = yield* Clock.currentTimeMillis
    const found = yield* io("get", [key], () => readEntry(store, key, now))
    return found === undefined ? Option.none<Uint8Array>() : Option.some(found.entry.value)
  })

  const getMany = Effect.fn("DiskCache.getMany")(function*(keys: ReadonlyArray<string>) {
    yield* validateKeys(keys, "getMany")
    const now = yield* Clock.currentTimeMillis
    const unique = [...new Set(keys)]
    const found = yield* io("getMany", unique, () => Promise.all(unique.map((key) => readEntry(store, key, now))))
    const result = new Map<string, Uint8Array>()
    for (let i = 0; i < unique.length; i++) {
      const entry = found[i]
      if (entry !== undefined) result.set(unique[i]!, entry.entry.value)
    }
    return result
  })

  const set = Effect.fn("DiskCache.set")(function*(key: string, value: Uint8Array, options?: SetOptions) {
    yield* validateKey(key, "set")
    yield* validateValue(key, value, maxValueBytes, "set")
    const ttl = yield* ttlMillis(options?.ttl, "set", key)
    const now = yield* Clock.currentTimeMillis
    yield* io("set", [key], () => writeFile(store, nameOf(key), encodeEntry(key, value, expiryOf(ttl, now))))
  })

  const setMany = Effect.fn("DiskCache.setMany")(
    function*(entries: ReadonlyArray<readonly [key: string, value: Uint8Array]>, options?: SetOptions) {
      yield* validateEntries(entries, maxValueBytes, "setMany")
      const ttl = yield* ttlMillis(options?.ttl, "setMany", entries[0]?.[0] ?? "")
      if (entries.length === 0) return
      const now = yield* Clock.currentTimeMillis
      const expiresAt = expiryOf(ttl, now)
      // The last value of a repeated key wins, as with sequential sets.
      const last = new Map(entries.map(([key, value]) => [key, value] as const))
      yield* io("setMany", [...last.keys()], () =>
        Promise.all([...last].map(([key, value]) => writeFile(store, nameOf(key), encodeEntry(key, value, expiresAt)))))
    }
  )

  const del = Effect.fn("DiskCache.delete")(function*(key: string) {
    yield* validateKey(key, "delete")
    const now = yield* Clock.currentTimeMillis
    return yield* io("delete", [key], () => removeEntry(store, key, now))
  })

  const deleteMany = Effect.fn("DiskCache.deleteMany")(function*(keys: ReadonlyArray<string>) {
    yield* validateKeys(keys, "deleteMany")
    const unique = [...new Set(keys)]
    if (unique.length === 0) return 0
    const now = yield* Clock.currentTimeMillis
    const removed = yield* io("deleteMany", unique, () => Promise.all(unique.map((key) => removeEntry(store, key, now))))
    return removed.filter(Boolean).length
  })

  const touch = Effect.fn("DiskCache.touch")(function*(key: string, ttl: Duration.Input) {
    yield* validateKey(key, "touch")
    const millis = yield* ttlMillis(ttl, "touch", key)
    const now = yield* Clock.currentTimeMillis
    return yield* io("touch", [key], () => touchEntry(store, key, now, expiryOf(millis, now)))
  })

  return { get, getMany, set, setMany, delete: del, deleteMany, touch }
}

/**
 * A disk cache over `directory` (created when missing; its files are indexed
 * at start). Fails with `Unavailable` when the directory cannot be opened.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("DiskCache.make")(function*(options: DiskCacheOptions) {
  const checked = yield* Schema.decodeUnknownEffect(DiskCacheOptions)(options).pipe(
    Effect.mapError((cause) =>
      new CacheError({
        reason: "Unavailable",
        operation: "open",
        message: `The options of the disk cache at ${options.directory} are invalid: ${cause.message}`,
        cause
      })
    )
  )
  const maxBytes = checked.maxBytes ?? 1024 * 1024 * 1024
  const maxValueBytes = Math.min(checked.maxValueBytes ?? 16 * 1024 * 1024, maxBytes)
  const store = yield* Effect.tryPromise({
    try: () => openStore(checked.directory, maxBytes),
    catch: (cause) =>
      new CacheError({
        reason: "Unavailable",
        operation: "open",
        message: `The disk cache directory ${checked.directory} could not be opened: ${codeOrMessage(cause)}.`,
        cause
      })
  })
  return makeShape(store, maxValueBytes)
})

/**
 * A `Cache` over a directory; see `make`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: DiskCacheOptions): Layer.Layer<Cache, CacheError> => Layer.effect(Cache, make(options))
