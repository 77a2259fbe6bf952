/**
 * The storage configuration in MSC's file format (profiles, cache,
 * opentelemetry, path_mapping ...), as decoded from a config file. Key names
 * stay as MSC spells them so existing files work unchanged.
 *
 * The Schemas of the file itself are in `StorageConfigFile.ts`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A config file (or value in it) that cannot be used. `file`, `path` (JSON
 * path like `profiles.data.storage_provider.type`) and `line` say where.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigError extends Schema.TaggedError<ConfigError>()("ConfigError", {
  message: Schema.String,
  file: Schema.optional(Schema.String),
  path: Schema.optional(Schema.String),
  line: Schema.optional(Schema.Number),
  column: Schema.optional(Schema.Number)
}) {}

/**
 * `{type, options}` as used by storage_provider, credentials_provider and
 * metadata_provider.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProviderSpec {
  readonly type: string
  readonly options: Readonly<Record<string, unknown>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryConfig {
  readonly attempts: number
  readonly delay: number
  readonly backoff_multiplier: number
}

/**
 * A read replica of a profile: another profile, read first when its
 * `read_priority` is lower.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplicaConfig {
  readonly replica_profile: string
  readonly read_priority: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ProfileConfig {
  readonly storage_provider?: ProviderSpec | undefined
  readonly credentials_provider?: ProviderSpec | undefined
  readonly metadata_provider?: ProviderSpec | undefined
  readonly retry?: RetryConfig | undefined
  readonly caching_enabled?: boolean | undefined
  readonly comment?: string | undefined
  /** Sorted by `read_priority` (ties keep the listed order). */
  readonly replicas?: ReadonlyArray<ReplicaConfig> | undefined
  readonly autocommit?: { readonly interval_minutes?: number | undefined; readonly at_exit?: boolean | undefined } | undefined
}

/**
 * One `path_mapping` entry: a source prefix (ends with "/") and the profile
 * it maps to.
 *
 * @since 0.1.0
 * @category models
 */
export interface PathMapping {
  readonly prefix: string
  readonly profile: string
}

/**
 * A whole resolved config: includes merged, `${VAR}` expanded, validated.
 *
 * @since 0.1.0
 * @category models
 */
export interface StorageConfig {
  /** The file it came from; absent for the embedded default. */
  readonly file?: string | undefined
  readonly profiles: Readonly<Record<string, ProfileConfig>>
  /** Longest prefix first. */
  readonly pathMapping: ReadonlyArray<PathMapping>
  readonly cache?: Readonly<Record<string, unknown>> | undefined
  readonly opentelemetry?: Readonly<Record<string, unknown>> | undefined
  readonly posix?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The profile every config has: the whole local file system.
 *
 * @since 0.1.0
 * @category constants
 */
export const FILESYSTEM_PROFILE = "__filesystem__"

/**
 * What `__filesystem__` always is; a config may repeat it, not change it.
 *
 * @since 0.1.0
 * @category constants
 */
export const FILESYSTEM_PROFILE_CONFIG: ProfileConfig = {
  storage_provider: { type: "file", options: { base_path: "/" } }
}

/**
 * MSC's retry defaults.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_RETRY: RetryConfig = { attempts: 3, delay: 1.0, backoff_multiplier: 2.0 }

/**
 * Profile names: a leading `_` is reserved for implicit profiles (`_s3-bucket`).
 *
 * @since 0.1.0
 * @category constants
 */
export const PROFILE_NAME_PATTERN = /^(__filesystem__|[^_].*)$/

/**
 * Cache sizes: digits and a binary unit, `512M`, `10G`, `2t`.
 *
 * @since 0.1.0
 * @category constants
 */
export const SIZE_PATTERN = /^[0-9]+[MGT]$/i

/**
 * The cache eviction policies (any letter case in a file).
 *
 * @since 0.1.0
 * @category constants
 */
export const EVICTION_POLICIES: ReadonlyArray<string> = ["fifo", "lru", "mru", "random", "no_eviction"]

/**
 * MSC's cache defaults, for the keys a file leaves out.
 *
 * @since 0.1.0
 * @category constants
 */
export const CACHE_DEFAULTS = {
  size: "10G",
  cache_line_size: "64M",
  check_source_version: true,
  prefetch_file: true,
  eviction_policy: { policy: "fifo", refresh_interval: 300, purge_factor: 0 }
} as const

/**
 * Bytes in a cache size string (`M` = 2^20, `G` = 2^30, `T` = 2^40), or
 * `undefined` when it does not match `SIZE_PATTERN`.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseSize = (size: string): number | undefined => {
  if (!SIZE_PATTERN.test(size)) return undefined
  const unit = size.slice(-1).toUpperCase()
  const power = unit === "M" ? 20 : unit === "G" ? 30 : 40
  return Number(size.slice(0, -1)) * 2 ** power
}
