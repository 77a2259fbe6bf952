/**
 * The storage configuration in MSC's file format (profiles, cache,
 * opentelemetry, path_mapping ...), as decoded from a config file. Key names
 * stay as MSC spells them so existing files work unchanged.
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

/** The profile every config has: the whole local file system. */
export const FILESYSTEM_PROFILE = "__filesystem__"
