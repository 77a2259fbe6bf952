/**
 * The read cache, as a wrapping layer: `cacheReads` takes a provider and
 * gives back one whose reads (`read`, `getBytes`, whole objects and ranges)
 * are served from local disk when the cache holds the object's current
 * version, and fill the cache when it does not. MSC's `cache` section
 * configures it (see `readcache/settings.ts`); the directory, its bound and
 * eviction are the store's (`readcache/store.ts`).
 *
 * A read:
 * 1. asks the source for the object's etag and size (`head`), unless
 *    `check_source_version` is off and a whole entry is already there (then
 *    that entry is served without asking);
 * 2. checks the read's `ifMatch`/`ifNoneMatch` and range against them, as a
 *    provider would;
 * 3. serves the range from the whole-object entry if it holds that etag;
 * 4. otherwise downloads: the whole object when the whole object was asked
 *    for (served as it arrives, written into the cache on the way) or it is
 *    no larger than a cache line; else only the cache lines
 *    (`cache_line_size`) the range touches, each its own entry. Downloads
 *    pin the version with `ifMatch` when the source supports it, so an entry
 *    never mixes two versions. An object too large for the cache, or one the
 *    cache has no room for (`no_eviction`), is read from the source.
 *
 * Served bytes are checked block by block; at a damaged block the entry is
 * removed and the rest of the range comes from the source. Disk trouble in
 * the cache is logged and the read goes to the source: the cache never fails
 * a read the source would have served. A source without etags is never
 * cached while `check_source_version` is on.
 *
 * `put`, `delete` and `copy` go to the source and then drop the cached
 * entries of the key they wrote (whatever their outcome: a failed write may
 * still have applied); `head` and `list` go to the source. A write made
 * around this client is noticed by the etag check (or, with the check off,
 * not at all: that is what turning it off means).
 *
 * @since 0.1.0
 */
import { Effect, Result, Stream } from "effect"
import type { Scope } from "effect"
import type { ConfigError, StorageConfig } from "../services/StorageConfig.ts"
import { validateKey } from "../services/StorageKey.ts"
import { byteBounds, checkRead, concatBytes, readChecks } from "../services/StorageRead.ts"
import type {
  Body,
  ObjectMetadata,
  PutOptions,
  ReadOptions,
  StorageError,
  StorageProviderShape
} from "../services/StorageProvider.ts"
import { entryRange, openEntry, touchEntry } from "./readcache/entryFile.ts"
import type { EntryContent, OpenEntry } from "./readcache/entryFile.ts"
import { headerSize } from "./readcache/entryFormat.ts"
import { holds, makeFiller } from "./readcache/fill.ts"
import { readCacheSettings, usesReadCache } from "./readcache/settings.ts"
import { openStore } from "./readcache/store.ts"
import type { CacheStore } from "./readcache/store.ts"
import type { ProviderWrap } from "./storage/profiles.ts"

export { ReadCacheError, openStore } from "./readcache/store.ts"
export { readCacheSettings, usesReadCache } from "./readcache/settings.ts"
export type { ReadCacheSettings } from "./readcache/settings.ts"
export type { CacheStore, StoreSettings } from "./readcache/store.ts"
export type { EvictionPolicy } from "./readcache/eviction.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReadCacheOptions {
  /** The profile whose objects these are (entries are kept per profile). */
  readonly profile: string
  readonly checkSourceVersion: boolean
  /** Ranges of objects larger than this are cached in lines of this size. */
  readonly lineBytes: number
  /** How long to wait for another process downloading the same entry (default 10 minutes). */
  readonly entryLockWaitMillis?: number | undefined
}

/** Notes on the read's span where its bytes come from: `hit`, `filled` (downloaded now) or `source`. */
const outcome = <A>(how: "hit" | "filled" | "source", stream: A): Effect.Effect<A> =>
  Effect.as(Effect.annotateCurrentSpan("strata.readcache.outcome", how), stream)

/**
 * Wraps a provider with the read cache in `store`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const cacheReads = (
  provider: StorageProviderShape,
  store: CacheStore,
  options: ReadCacheOptions
): StorageProviderShape => {
  const { profile, lineBytes } = options
  const filler = makeFiller(store, options.entryLockWaitMillis ?? 10 * 60_000)
  const pinned = (etag: string) => (provider.capabilities.conditionalRead && etag !== "" ? { ifMatch: etag } : {})

  /** The source's bytes `[start, end)` of the version `etag`. */
  const direct = (key: string, etag: string, start: number, end: number) =>
    provider.read(key, { range: { offset: start, length: end - start }, ...pinned(etag) })

  /** `[start, end)` from an entry; at a damaged block, the rest from the source. */
  const fromEntry = (key: string, entry: OpenEntry, start: number, end: number): Stream.Stream<Uint8Array, StorageError> =>
    Stream.unwrap(Effect.as(touchEntry(entry), entryRange(entry, start, end))).pipe(
      Stream.flatMap((item) =>
        item instanceof Uint8Array ? Stream.succeed(item) : Stream.unwrap(
          Effect.as(
            Effect.andThen(
              store.removeKey(profile, key).pipe(Effect.ignore),
              Effect.logWarning(`Read cache: a damaged block of '${key}' (${entry.path}) was read from the source instead.`)
            ),
            direct(key, entry.header.etag, item.at, end)
          )
        )
      )
    )

  /** The source's bytes of an entry, pinned to its version. */
  const sourceOf = (expected: EntryContent) =>
    provider.read(expected.key, {
      ...(expected.offset === 0 && expected.length === expected.objectSize
        ? {}
        : { range: { offset: expected.offset, length: expected.length } }),
      ...pinned(expected.etag)
    })

  const admissible = (expected: EntryContent) =>
    store.mayAdmit(headerSize(expected.key, expected.etag, expected.length) + expected.length)

  /** An entry with `expected` content: the one on disk, or a fresh download; undefined when not cacheable. */
  const entryFor = (path: string, expected: EntryContent) =>
    Effect.gen(function*() {
      const found = yield* openEntry(path, expected.key)
      if (found !== undefined && holds(found.header, expected)) return found
      if (!admissible(expected)) return undefined
      return yield* filler.fill(path, expected, sourceOf(expected))
    })

  /** Bytes `[start, end)` of the version `meta` describes, through the cache. */
  const cachedRange = (
    key: string,
    meta: ObjectMetadata,
    etag: string,
    start: number,
    end: number
  ): Effect.Effect<Stream.Stream<Uint8Array, StorageError>, StorageError, Scope.Scope> =>
    Effect.gen(function*() {
      const size = meta.contentLength
      const whole: EntryContent = { key, etag, objectSize: size, offset: 0, length: size }
      const found = yield* openEntry(store.entryPath(profile, key), key)
      if (found !== undefined && holds(found.header, whole)) return yield* outcome("hit", fromEntry(key, found, start, end))
      if (start === end) return Stream.empty
      if (start === 0 && end === size && admissible(whole)) {
        // The whole object: served as it arrives, and written into the cache on the way.
        const teed = yield* filler.tee(store.entryPath(profile, key), whole, sourceOf(whole))
        if (teed !== undefined) return yield* outcome("filled", teed)
      }
      if ((start === 0 && end === size) || size <= lineBytes) {
        const entry = yield* entryFor(store.entryPath(profile, key), whole)
        return yield* entry === undefined
          ? outcome("source", direct(key, etag, start, end))
          : outcome("filled", fromEntry(key, entry, start, end))
      }
      yield* Effect.annotateCurrentSpan("strata.readcache.outcome", "lines")
      const first = Math.floor(start / lineBytes)
      const last = Math.floor((end - 1) / lineBytes)
      const lines = Array.from({ length: last - first + 1 }, (_, i) => first + i)
      return Stream.fromIterable(lines).pipe(Stream.flatMap((line) =>
        Stream.unwrap(Effect.gen(function*() {
          const offset = line * lineBytes
          const length = Math.min(lineBytes, size - offset)
          const from = Math.max(start, offset)
          const to = Math.min(end, offset + length)
          const entry = yield* entryFor(store.entryPath(profile, key, line), { ...whole, offset, length })
          return entry === undefined ? direct(key, etag, from, to) : fromEntry(key, entry, from, to)
        }))
      ))
    })

  const read = (key: string, readOptions: ReadOptions = {}): Stream.Stream<Uint8Array, StorageError> =>
    Stream.unwrap(Effect.gen(function*() {
      yield* validateKey(key, "read")
      const conditional = readOptions.ifMatch !== undefined || readOptions.ifNoneMatch !== undefined
      if (!options.checkSourceVersion && !conditional) {
        const found = yield* openEntry(store.entryPath(profile, key), key)
        const header = found?.header
        if (found !== undefined && header !== undefined && header.offset === 0 && header.length === header.objectSize) {
          const [start, end] = yield* readChecks(() => byteBounds(key, header.objectSize, readOptions.range, "read"))
          return yield* outcome("hit", fromEntry(key, found, start, end))
        }
      }
      const meta = yield* provider.head(key)
      if (meta.etag === undefined && options.checkSourceVersion) return yield* outcome("source", provider.read(key, readOptions))
      const etag = meta.etag ?? ""
      yield* readChecks(() => checkRead(key, etag, readOptions, "read"))
      const [start, end] = yield* readChecks(() => byteBounds(key, meta.contentLength, readOptions.range, "read"))
      return yield* cachedRange(key, meta, etag, start, end)
    }).pipe(Effect.withSpan("ReadCache.read", { attributes: { "strata.storage.key": key, "strata.storage.profile": profile } })))

  /** Runs a write, then drops the key's entries whatever the outcome. */
  const invalidating = <A, E>(key: string, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.ensuring(
      effect,
      store.removeKey(profile, key).pipe(
        Effect.catch((error) => Effect.logWarning(`Read cache: ${error.message}.`))
      )
    )

  return {
    type: provider.type,
    capabilities: provider.capabilities,
    head: provider.head,
    read,
    getBytes: (key, readOptions) => Effect.map(Stream.runCollect(read(key, readOptions)), concatBytes),
    put: <E = never>(key: string, body: Body<E>, putOptions?: PutOptions) =>
      invalidating(key, provider.put(key, body, putOptions)),
    delete: (key, deleteOptions) => invalidating(key, provider.delete(key, deleteOptions)),
    copy: (source, target) => invalidating(target, provider.copy(source, target)),
    list: provider.list
  }
}

/**
 * A `ProviderWrap` putting the read cache of `config.cache` on every profile
 * that uses it (`caching_enabled: true`, a provider that is not local disk;
 * see `usesReadCache`). The cache directory is opened on first use and shared
 * by all profiles. When it cannot be opened, profiles work without it (with
 * a warning): a cache is never a reason for a read to fail.
 *
 * @since 0.1.0
 * @category constructors
 */
export const readCacheWrap = (config: StorageConfig): Effect.Effect<ProviderWrap, ConfigError> =>
  Effect.gen(function*() {
    const section = config.cache
    if (section === undefined) {
      return (profile, profileConfig, provider) =>
        profileConfig.caching_enabled === true
          ? Effect.as(
            Effect.logWarning(`Profile '${profile}' sets caching_enabled but the config has no cache section; reads are not cached.`),
            provider
          )
          : Effect.succeed(provider)
    }
    const settings = yield* readCacheSettings(section, config.file)
    const opened = yield* Effect.cached(Effect.result(openStore(settings)))
    const wrap: ProviderWrap = (profile, profileConfig, provider) =>
      !usesReadCache(config, profileConfig, provider.type) ? Effect.succeed(provider) : Effect.gen(function*() {
        const store = yield* opened
        if (Result.isFailure(store)) {
          yield* Effect.logWarning(`Profile '${profile}' reads without its cache: ${store.failure.message}.`)
          return provider
        }
        return cacheReads(provider, store.success, {
          profile,
          checkSourceVersion: settings.checkSourceVersion,
          lineBytes: settings.lineBytes,
          entryLockWaitMillis: settings.entryLockWaitMillis
        })
      })
    return wrap
  })
