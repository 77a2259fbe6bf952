/**
 * Test helpers of the read cache: scoped temporary directories, a store with
 * test settings, and a memory provider wrapped in the cache.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Memory from "../../../src/providers/storage/memory.ts"
import { cacheReads, openStore } from "../../../src/layers/ReadCache.ts"
import type { CacheStore, StoreSettings } from "../../../src/layers/ReadCache.ts"
import type { StorageProviderShape } from "../../../src/services/StorageProvider.ts"

/** A fresh directory, removed with the scope. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => fsp.mkdtemp(join(tmpdir(), "strata-readcache-"))),
  (dir) => Effect.promise(() => fsp.rm(dir, { recursive: true, force: true }))
)

export const MiB = 1024 * 1024

/** Store settings for tests: 8 MiB, lru, no periodic rescans. */
export const testSettings = (location: string, overrides: Partial<StoreSettings> = {}): StoreSettings => ({
  location,
  maxBytes: 8 * MiB,
  policy: "lru",
  refreshIntervalMillis: 3_600_000,
  purgeFactor: 0,
  lockWaitMillis: 5_000,
  ...overrides
})

export interface CachedFixture {
  readonly source: StorageProviderShape
  readonly cached: StorageProviderShape
  readonly store: CacheStore
  readonly dir: string
}

/** A memory source (or `source`) behind a read cache in a fresh directory. */
export const cachedMemory = (
  options: {
    readonly settings?: Partial<StoreSettings>
    readonly checkSourceVersion?: boolean
    readonly lineBytes?: number
    readonly source?: StorageProviderShape
  } = {}
): Effect.Effect<CachedFixture, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const source = options.source ?? (yield* Memory.make())
    const store = yield* openStore(testSettings(dir, options.settings))
    const cached = cacheReads(source, store, {
      profile: "p",
      checkSourceVersion: options.checkSourceVersion ?? true,
      lineBytes: options.lineBytes ?? MiB
    })
    return { source, cached, store, dir }
  })

/** `n` bytes of a pattern that differs per `seed`. */
export const patterned = (n: number, seed = 1): Uint8Array => {
  const bytes = new Uint8Array(n)
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff
  return bytes
}

/** The entry files of the store, as paths relative to its root. */
export const entryFiles = (store: CacheStore) =>
  Effect.map(store.scan, (files) => files.map((file) => file.path.slice(store.root.length + 1)).toSorted())
