/**
 * The Schemas of one MSC config file (top-level keys, profiles, retry,
 * cache, opentelemetry, path_mapping, posix, experimental_features,
 * include), with MSC's rules and messages that say what is expected.
 *
 * Decode with `CONFIG_PARSE_OPTIONS` (or `decodeConfigFile`): unknown keys
 * are then rejected everywhere except inside provider `options`, which the
 * provider type's own Schema checks (see `validateProviderOptions`).
 *
 * @since 0.1.0
 */
import { Effect, Schema, SchemaIssue } from "effect"
import type { SchemaAST } from "effect"
import {
  CACHE_DEFAULTS,
  DEFAULT_RETRY,
  EVICTION_POLICIES,
  parseSize,
  PROFILE_NAME_PATTERN,
  SIZE_PATTERN
} from "./StorageConfig.ts"

/** The path_mapping rules of MSC's JSON schema. */
const MAPPING_SOURCE = /^(\/|[a-z][a-z0-9+.-]*:\/\/)[^/].*\/$/
const MAPPING_TARGET = /^msc:\/\/[^/]+\/$/

/** A check with a message built from the rejected value. */
const rule = <T>(ok: (value: T) => boolean, message: (value: T) => string) =>
  Schema.makeFilter<T>((value) => ok(value) || message(value))

/** A key that must be absent: always fails, with a message saying what replaced it. */
const retired = (message: string) =>
  Schema.optionalKey(Schema.Unknown.check(Schema.makeFilter(() => message)))

/** A default for an absent key. */
const orElse = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

/** Issues at keys of a record, for rules about the keys themselves. */
const keyIssue = (key: string, message: string) => ({
  path: [key],
  // `at: "key"` tells the loader to point at the key's position, not the value's.
  issue: new SchemaIssue.InvalidValue({ message, at: "key" })
})

const Options = Schema.Record(Schema.String, Schema.Unknown)

const SizeString = Schema.String.check(
  rule(
    (size: string) => SIZE_PATTERN.test(size),
    (size) => `expected a size such as 512M, 10G or 1T (digits, then M, G or T), got '${size}'`
  )
)

const AbsolutePath = (what: string) =>
  Schema.String.check(rule((path: string) => path.startsWith("/"), (path) => `${what} must be an absolute path, got '${path}'`))

const atLeast = (minimum: number) =>
  rule((n: number) => n >= minimum, (n) => `expected a number >= ${minimum}, got ${n}`)

/**
 * `{type, options?}` of credentials, metadata and other extension points.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExtensionSpec = Schema.Struct({
  type: Schema.NonEmptyString,
  options: orElse(Options, {})
})

/**
 * `storage_provider`: `options.base_path` is required (it may be `""`);
 * every other option is checked by the provider type's own Schema.
 *
 * @since 0.1.0
 * @category schemas
 */
export const StorageProviderSection = Schema.Struct({
  type: Schema.NonEmptyString,
  options: Schema.StructWithRest(Schema.Struct({ base_path: Schema.String }), [Options])
})

/**
 * `retry`, with MSC's defaults filled in.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RetrySection = Schema.Struct({
  attempts: orElse(Schema.Int.check(atLeast(1)), DEFAULT_RETRY.attempts),
  delay: orElse(Schema.Finite.check(atLeast(0)), DEFAULT_RETRY.delay),
  backoff_multiplier: orElse(Schema.Finite.check(atLeast(1)), DEFAULT_RETRY.backoff_multiplier)
})

const Replica = Schema.Struct({
  replica_profile: Schema.NonEmptyString,
  read_priority: Schema.Int.check(atLeast(1))
})

const Replicas = Schema.Array(Replica).check(Schema.makeFilter((replicas) =>
  replicas.flatMap((replica, index) =>
    replicas.findIndex((other) => other.replica_profile === replica.replica_profile) < index
      ? [{ path: [index], issue: `duplicate replica entry for profile '${replica.replica_profile}'` }]
      : []
  )
))

const UNSUPPORTED_BUNDLE = "provider_bundle is not supported yet by strata; describe the profile with storage_provider"
const UNSUPPORTED_COMPOSITE =
  "storage_provider_profiles (multi-backend profiles) is not supported yet by strata; describe the profile with storage_provider"

/**
 * One profile. Exactly one of `storage_provider`, `provider_bundle` or
 * `storage_provider_profiles` + `metadata_provider` (MSC's `oneOf`); strata
 * serves `storage_provider` profiles only and says so for the other two.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProfileSection = Schema.Struct({
  storage_provider: Schema.optionalKey(StorageProviderSection),
  credentials_provider: Schema.optionalKey(ExtensionSpec),
  metadata_provider: Schema.optionalKey(ExtensionSpec),
  provider_bundle: Schema.optionalKey(ExtensionSpec),
  storage_provider_profiles: Schema.optionalKey(
    Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1, { message: "expected at least one profile name" }))
  ),
  replicas: Schema.optionalKey(Replicas),
  retry: Schema.optionalKey(RetrySection),
  caching_enabled: Schema.optionalKey(Schema.Boolean),
  autocommit: Schema.optionalKey(Schema.Struct({
    interval_minutes: Schema.optionalKey(Schema.Finite.check(atLeast(0))),
    at_exit: Schema.optionalKey(Schema.Boolean)
  })),
  comment: Schema.optionalKey(Schema.String)
}).check(Schema.makeFilter((profile) => {
  if (profile.provider_bundle !== undefined) return { path: ["provider_bundle"], issue: UNSUPPORTED_BUNDLE }
  if (profile.storage_provider_profiles !== undefined) {
    return { path: ["storage_provider_profiles"], issue: UNSUPPORTED_COMPOSITE }
  }
  if (profile.storage_provider === undefined) {
    return "a profile needs a storage_provider (or, in MSC, a provider_bundle or storage_provider_profiles)"
  }
  return undefined
}))

const Profiles = Schema.Record(Schema.String, ProfileSection).check(Schema.makeFilter((profiles) =>
  Object.keys(profiles).filter((name) => !PROFILE_NAME_PATTERN.test(name)).map((name) =>
    keyIssue(
      name,
      `invalid profile name '${name}' (names starting with '_' are reserved for implicit profiles such as _s3-bucket)`
    )
  )
))

/**
 * The global `cache` section (MSC 1.x keys; retired keys are rejected with
 * the key that replaced them).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CacheSection = Schema.Struct({
  size: Schema.optionalKey(SizeString),
  location: Schema.optionalKey(AbsolutePath("the cache location")),
  check_source_version: Schema.optionalKey(Schema.Boolean),
  prefetch_file: Schema.optionalKey(Schema.Boolean),
  cache_line_size: Schema.optionalKey(SizeString),
  eviction_policy: Schema.optionalKey(Schema.Struct({
    policy: Schema.optionalKey(Schema.String.check(rule(
      (policy: string) => EVICTION_POLICIES.includes(policy.toLowerCase()),
      (policy) => `unknown eviction policy '${policy}' (expected one of: ${EVICTION_POLICIES.join(", ")})`
    ))),
    refresh_interval: Schema.optionalKey(Schema.Int.check(atLeast(1))),
    purge_factor: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })))
  })),
  cache_backend: Schema.optionalKey(Schema.Struct({ cache_path: Schema.optionalKey(Schema.String) })),
  use_etag: retired("use_etag is no longer supported; use check_source_version instead (same meaning)"),
  size_mb: retired("size_mb is no longer supported; use size with a unit suffix instead, e.g. size: 500G")
}).check(Schema.makeFilter((cache) => {
  const size = parseSize(cache.size ?? CACHE_DEFAULTS.size)
  const line = parseSize(cache.cache_line_size ?? CACHE_DEFAULTS.cache_line_size)
  return size === undefined || line === undefined || line <= size || {
    path: ["cache_line_size"],
    issue: `cache_line_size (${cache.cache_line_size ?? CACHE_DEFAULTS.cache_line_size}) exceeds the cache size (${
      cache.size ?? CACHE_DEFAULTS.size
    }); it must be less than or equal to size`
  }
}))

/**
 * `opentelemetry`: only `metrics` (MSC removed traces in 0.34).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenTelemetrySection = Schema.Struct({
  metrics: Schema.optionalKey(Schema.Struct({
    attributes: Schema.optionalKey(Schema.Array(ExtensionSpec)),
    reader: Schema.optionalKey(Schema.Struct({
      options: Schema.optionalKey(Options),
      async: Schema.optionalKey(Schema.Boolean)
    })),
    exporter: Schema.optionalKey(ExtensionSpec)
  }))
})

/**
 * `path_mapping`: `/abs/prefix/` or `scheme://bucket/prefix/` to exactly
 * `msc://<profile>/`. Whether the profile exists is checked once includes
 * are merged.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PathMappingSection = Schema.Record(
  Schema.String,
  Schema.String.check(rule(
    (target: string) => MAPPING_TARGET.test(target),
    (target) => `expected exactly msc://<profile>/ (no sub-path), got '${target}'`
  ))
).check(Schema.makeFilter((mapping) =>
  Object.keys(mapping).filter((source) => !MAPPING_SOURCE.test(source)).map((source) =>
    keyIssue(
      source,
      `invalid source prefix '${source}' (expected an absolute path or scheme://bucket/prefix, ending with '/')`
    )
  )
))

/**
 * `posix`: mount settings of MSC's FUSE file system; kept, not used.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PosixSection = Schema.Struct({
  mountname: Schema.optionalKey(Schema.String),
  mountpoint: Schema.optionalKey(AbsolutePath("mountpoint")),
  allow_other: Schema.optionalKey(Schema.Boolean),
  auto_sighup_interval: Schema.optionalKey(Schema.Int.check(atLeast(0)))
})

const ExperimentalFeatures = Options.check(Schema.makeFilter((features) =>
  Object.keys(features).map((name) =>
    keyIssue(name, `unknown experimental feature '${name}' (experimental_features must be empty; retired flags are rejected)`)
  )
))

/**
 * One config file, as written (before includes are merged).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ConfigFile = Schema.Struct({
  include: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  profiles: Schema.optionalKey(Profiles),
  cache: Schema.optionalKey(CacheSection),
  opentelemetry: Schema.optionalKey(OpenTelemetrySection),
  path_mapping: Schema.optionalKey(PathMappingSection),
  posix: Schema.optionalKey(PosixSection),
  experimental_features: Schema.optionalKey(ExperimentalFeatures)
})
export type ConfigFile = typeof ConfigFile.Type

/**
 * How a config file must be decoded: report every problem, reject unknown
 * keys, keep the rejected input for the messages.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CONFIG_PARSE_OPTIONS: SchemaAST.ParseOptions = {
  errors: "all",
  onExcessProperty: "error",
  reportInput: true
}

/**
 * Decodes one config file's content (already parsed from YAML or JSON).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeConfigFile = (input: unknown): Effect.Effect<ConfigFile, Schema.SchemaError> =>
  Schema.decodeUnknownEffect(ConfigFile)(input, CONFIG_PARSE_OPTIONS)
