/**
 * The read cache's settings from a config's global `cache` section (MSC's
 * keys and defaults), and which profiles get the cache.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CACHE_DEFAULTS, ConfigError, parseSize } from "../../services/StorageConfig.ts"
import type { ProfileConfig, StorageConfig } from "../../services/StorageConfig.ts"
import { CacheSection } from "../../services/StorageConfigFile.ts"
import type { EvictionPolicy } from "./eviction.ts"
import type { StoreSettings } from "./store.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReadCacheSettings extends StoreSettings {
  /** Ask the source for the etag before serving an entry (MSC `check_source_version`). */
  readonly checkSourceVersion: boolean
  /** Ranges of larger objects are cached in lines of this size (MSC `cache_line_size`). */
  readonly lineBytes: number
  /** How long to wait for another process downloading the same entry. */
  readonly entryLockWaitMillis: number
}

/** Waits for other processes: the admission lock is held briefly, a download's for as long as it takes. */
const LOCK_WAIT_MILLIS = 30_000
const ENTRY_LOCK_WAIT_MILLIS = 10 * 60_000

/**
 * The settings of a `cache` section; `ConfigError` naming the key when it
 * does not decode (a config loaded from a file was checked already).
 *
 * @since 0.1.0
 * @category constructors
 */
export const readCacheSettings = (
  section: Readonly<Record<string, unknown>>,
  file?: string | undefined
): Effect.Effect<ReadCacheSettings, ConfigError> =>
  Effect.gen(function*() {
    const cache = yield* Schema.decodeUnknownEffect(CacheSection)(section).pipe(
      Effect.mapError((error) =>
        new ConfigError({ message: `The cache section is invalid: ${error.message}`, path: "cache", file })
      )
    )
    const policy = cache.eviction_policy
    return {
      location: cache.location ?? cache.cache_backend?.cache_path ?? join(tmpdir(), "msc_cache"),
      // Both sizes were checked against SIZE_PATTERN by the Schema.
      maxBytes: parseSize(cache.size ?? CACHE_DEFAULTS.size)!,
      lineBytes: parseSize(cache.cache_line_size ?? CACHE_DEFAULTS.cache_line_size)!,
      policy: (policy?.policy ?? CACHE_DEFAULTS.eviction_policy.policy).toLowerCase() as EvictionPolicy,
      refreshIntervalMillis: (policy?.refresh_interval ?? CACHE_DEFAULTS.eviction_policy.refresh_interval) * 1000,
      purgeFactor: policy?.purge_factor ?? CACHE_DEFAULTS.eviction_policy.purge_factor,
      checkSourceVersion: cache.check_source_version ?? CACHE_DEFAULTS.check_source_version,
      lockWaitMillis: LOCK_WAIT_MILLIS,
      entryLockWaitMillis: ENTRY_LOCK_WAIT_MILLIS
    }
  })

/** Provider types that read local files: caching them on local disk gains nothing (MSC never does). */
const LOCAL_TYPES: ReadonlyArray<string> = ["file", "posix"]

/**
 * Whether a profile reads through the cache: `caching_enabled: true`, a
 * `cache` section in the config, and a provider that is not local disk.
 *
 * @since 0.1.0
 * @category constructors
 */
export const usesReadCache = (config: StorageConfig, profile: ProfileConfig, providerType: string): boolean =>
  profile.caching_enabled === true && config.cache !== undefined && !LOCAL_TYPES.includes(providerType)
