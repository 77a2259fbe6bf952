import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { parseConfigText } from "../../../src/layers/StorageConfigLoader.ts"
import { lines, yaml } from "./fixtures.ts"

const FILE = "/home/u/.msc_config.yaml"

/** The error of parsing `text`, which must fail. */
const failure = (text: string, options: { format?: "yaml" | "json"; env?: Record<string, string> } = {}) =>
  Effect.flip(parseConfigText(text, options.format === "json" ? "/etc/msc.json" : FILE, options.format ?? "yaml", {
    env: options.env
  }))


describe("parseConfigText: valid files", () => {
  it.effect("decodes profiles, fills retry defaults and credentials options", () =>
    Effect.gen(function*() {
      const config = yield* parseConfigText(
        yaml(
          "profiles:",
          "  data:",
          "    storage_provider:",
          "      type: s3",
          "      options: {base_path: bucket/prefix, region_name: us-west-2}",
          "    credentials_provider:",
          "      type: S3Credentials",
          "    retry: {attempts: 5}",
          "    caching_enabled: yes",
          "cache:",
          "  size: 800g",
          "  location: /raid/cache",
          "  cache_line_size: 32M",
          "  eviction_policy: {policy: LRU, refresh_interval: 600, purge_factor: 20}",
          "posix: {mountpoint: /mnt/msc, auto_sighup_interval: 0}",
          "experimental_features: {}",
          "opentelemetry:",
          "  metrics:",
          "    attributes: [{type: static, options: {attributes: {cluster: a}}}]",
          "    exporter: {type: otlp, options: {endpoint: 'http://localhost:4318'}}"
        ),
        FILE,
        "yaml"
      )
      const profile = config.profiles?.["data"]
      assert.deepStrictEqual(profile?.storage_provider, {
        type: "s3",
        options: { base_path: "bucket/prefix", region_name: "us-west-2" }
      })
      assert.deepStrictEqual(profile?.credentials_provider, { type: "S3Credentials", options: {} })
      assert.deepStrictEqual(profile?.retry, { attempts: 5, delay: 1, backoff_multiplier: 2 })
      // YAML 1.1, as PyYAML reads it: `yes` is true.
      assert.strictEqual(profile?.caching_enabled, true)
      assert.strictEqual(config.cache?.size, "800g")
    }))

  it.effect("reads JSON, and an empty file as an empty config", () =>
    Effect.gen(function*() {
      const json = yield* parseConfigText(
        "{\n\t\"profiles\": {\"p\": {\"storage_provider\": {\"type\": \"file\", \"options\": {\"base_path\": \"/d\"}}}}\n}",
        "/c.json",
        "json"
      )
      assert.deepStrictEqual(Object.keys(json.profiles ?? {}), ["p"])
      assert.deepStrictEqual(yield* parseConfigText("# only a comment\n", FILE, "yaml"), {})
    }))

  it.effect("expands ${VAR} and $VAR in every string, not in keys", () =>
    Effect.gen(function*() {
      const config = yield* parseConfigText(
        yaml(
          "profiles:",
          "  p:",
          "    storage_provider:",
          "      type: file",
          "      options: {base_path: \"${ROOT}/$SUB/x\", note: \"cost $5 and ${EMPTY}|\"}",
          "path_mapping:",
          "  /$KEY/: msc://p/"
        ),
        FILE,
        "yaml",
        { env: { ROOT: "/data", SUB: "sub", EMPTY: "" } }
      )
      assert.deepStrictEqual(config.profiles?.["p"]?.storage_provider?.options, {
        base_path: "/data/sub/x",
        note: "cost $5 and |"
      })
      assert.deepStrictEqual(Object.keys(config.path_mapping ?? {}), ["/$KEY/"])
    }))
})

describe("parseConfigText: schema errors", () => {
  it.effect("unknown keys at every level, with the exact line and the keys expected", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  data:",
        "    storage_provider:",
        "      type: file",
        "      options: {base_path: /}",
        "    retries: 3",
        "bogus: 1",
        "cache:",
        "  sizes: 1G",
        "opentelemetry:",
        "  traces: {}"
      ))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:6:5: profiles.data: unknown key 'retries' (expected one of: storage_provider, credentials_provider, ` +
        `metadata_provider, provider_bundle, storage_provider_profiles, replicas, retry, caching_enabled, autocommit, comment).`,
        `${FILE}:7:1: unknown key 'bogus' (expected one of: include, profiles, cache, opentelemetry, path_mapping, posix, ` +
        `experimental_features).`,
        `${FILE}:9:3: cache: unknown key 'sizes' (expected one of: size, location, check_source_version, prefetch_file, ` +
        `cache_line_size, eviction_policy, cache_backend, use_etag, size_mb).`,
        `${FILE}:11:3: opentelemetry: unknown key 'traces' (expected one of: metrics).`
      ])
      assert.strictEqual(error.line, 6)
      assert.strictEqual(error.column, 5)
      assert.strictEqual(error.path, "profiles.data.retries")
    }))

  it.effect("a misspelt storage_provider key: the unknown one and the missing one", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("profiles:", "  data:", "    storage_provider:", "      type: file", "      optons: {}"))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:3:5: profiles.data.storage_provider: missing required key 'options'.`,
        `${FILE}:5:7: profiles.data.storage_provider: unknown key 'optons' (expected one of: type, options).`
      ])
    }))

  it.effect("wrong types name what was expected and what was found", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "include: [a.yaml, 7]",
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: 1}}",
        "    caching_enabled: maybe",
        "    retry: {attempts: 2.5, delay: -1, backoff_multiplier: 0.5}"
      ))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:1:19: include[1]: expected a string, got 7.`,
        `${FILE}:4:57: profiles.p.storage_provider.options.base_path: expected a string, got 1.`,
        `${FILE}:5:22: profiles.p.caching_enabled: expected a boolean (true or false), got 'maybe'.`,
        `${FILE}:6:23: profiles.p.retry.attempts: expected an integer, got 2.5.`,
        `${FILE}:6:35: profiles.p.retry.delay: expected a number >= 0, got -1.`,
        `${FILE}:6:59: profiles.p.retry.backoff_multiplier: expected a number >= 1, got 0.5.`
      ])
    }))

  it.effect("retry attempts must be at least 1", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: /}}",
        "    retry:",
        "      attempts: 0"
      ))
      assert.strictEqual(error.message, `${FILE}:5:17: profiles.p.retry.attempts: expected a number >= 1, got 0.`)
    }))

  it.effect("a secret of the wrong type is not echoed", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: s3, options: {base_path: b}}",
        "    credentials_provider: {type: S3Credentials, options: \"hunter2-secret\"}"
      ))
      assert.include(error.message, "profiles.p.credentials_provider.options: expected a mapping, got a string.")
      assert.notInclude(error.message, "hunter2")
    }))

  it.effect("profile names: a leading underscore is reserved", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  ok: {storage_provider: {type: file, options: {base_path: /}}}",
        "  _s3-bucket: {storage_provider: {type: s3, options: {base_path: bucket}}}",
        "  __filesystem__: {storage_provider: {type: file, options: {base_path: /}}}"
      ))
      assert.strictEqual(
        error.message,
        `${FILE}:3:3: profiles: invalid profile name '_s3-bucket' (names starting with '_' are reserved for implicit ` +
          `profiles such as _s3-bucket).`
      )
    }))

  it.effect("a profile needs a storage_provider; bundles and composite profiles are not supported yet", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  empty:",
        "    comment: nothing here",
        "  bundle:",
        "    provider_bundle: {type: my.Bundle}",
        "  composite:",
        "    storage_provider_profiles: [a, b]",
        "    metadata_provider: {type: manifest}"
      ))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:3:5: profiles.empty: a profile needs a storage_provider (or, in MSC, a provider_bundle or ` +
        `storage_provider_profiles).`,
        `${FILE}:5:22: profiles.bundle.provider_bundle: provider_bundle is not supported yet by strata; describe the ` +
        `profile with storage_provider.`,
        `${FILE}:7:32: profiles.composite.storage_provider_profiles: storage_provider_profiles (multi-backend profiles) is ` +
        `not supported yet by strata; describe the profile with storage_provider.`
      ])
    }))

  it.effect("cache: size format, absolute location, eviction policy, retired keys", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "cache:",
        "  size: 500GB",
        "  location: relative/dir",
        "  cache_line_size: 64",
        "  eviction_policy: {policy: oldest, refresh_interval: 0, purge_factor: 101}",
        "  use_etag: false",
        "  size_mb: 100"
      ))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:2:9: cache.size: expected a size such as 512M, 10G or 1T (digits, then M, G or T), got '500GB'.`,
        `${FILE}:3:13: cache.location: the cache location must be an absolute path, got 'relative/dir'.`,
        `${FILE}:4:20: cache.cache_line_size: expected a string, got 64.`,
        `${FILE}:5:29: cache.eviction_policy.policy: unknown eviction policy 'oldest' (expected one of: fifo, lru, mru, ` +
        `random, no_eviction).`,
        `${FILE}:5:55: cache.eviction_policy.refresh_interval: expected a number >= 1, got 0.`,
        `${FILE}:5:72: cache.eviction_policy.purge_factor: expected a value between 0 and 100, got 101.`,
        `${FILE}:6:13: cache.use_etag: use_etag is no longer supported; use check_source_version instead (same meaning).`,
        `${FILE}:7:12: cache.size_mb: size_mb is no longer supported; use size with a unit suffix instead, e.g. size: 500G.`
      ])
    }))

  it.effect("cache_line_size may not exceed size (defaults count)", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("cache:", "  size: 32M"))
      assert.strictEqual(
        error.message,
        `${FILE}:2:3: cache.cache_line_size: cache_line_size (64M) exceeds the cache size (32M); it must be less than ` +
          `or equal to size.`
      )
      assert.deepStrictEqual(yield* parseConfigText(yaml("cache:", "  size: 1g", "  cache_line_size: 1024m"), FILE, "yaml"), {
        cache: { size: "1g", cache_line_size: "1024m" }
      })
    }))

  it.effect("path_mapping: keys end with '/', values are exactly msc://profile/", () =>
    Effect.gen(function*() {
      const values = yield* failure(yaml(
        "path_mapping:",
        "  /lustre/a/: msc://a/sub/",
        "  s3://bucket/: msc://b"
      ))
      assert.deepStrictEqual(lines(values.message), [
        `${FILE}:2:15: path_mapping["/lustre/a/"]: expected exactly msc://<profile>/ (no sub-path), got 'msc://a/sub/'.`,
        `${FILE}:3:17: path_mapping["s3://bucket/"]: expected exactly msc://<profile>/ (no sub-path), got 'msc://b'.`
      ])
      const keys = yield* failure(yaml("path_mapping:", "  /lustre/a: msc://a/", "  relative/: msc://a/", "  S3://b/: msc://a/"))
      assert.deepStrictEqual(lines(keys.message).map((line) => line.split(": ")[0]), [
        `${FILE}:2:3`,
        `${FILE}:3:3`,
        `${FILE}:4:3`
      ])
      assert.include(keys.message, "invalid source prefix '/lustre/a' (expected an absolute path or scheme://bucket/prefix")
    }))

  it.effect("posix and autocommit sections", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: /p}}",
        "    autocommit: {interval_minutes: -5, at_exit: sometimes}",
        "posix:",
        "  mountpoint: mnt/msc",
        "  auto_sighup_interval: -1",
        "  allow_others: true"
      ))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:4:36: profiles.p.autocommit.interval_minutes: expected a number >= 0, got -5.`,
        `${FILE}:4:49: profiles.p.autocommit.at_exit: expected a boolean (true or false), got 'sometimes'.`,
        `${FILE}:6:15: posix.mountpoint: mountpoint must be an absolute path, got 'mnt/msc'.`,
        `${FILE}:7:25: posix.auto_sighup_interval: expected a number >= 0, got -1.`,
        `${FILE}:8:3: posix: unknown key 'allow_others' (expected one of: mountname, mountpoint, allow_other, ` +
        `auto_sighup_interval).`
      ])
    }))

  it.effect("sections of the wrong shape", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("profiles:", "cache: 10G", "include: a.yaml", "path_mapping: [a]"))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:1:1: profiles: expected a mapping, got null.`,
        `${FILE}:2:8: cache: expected a mapping, got '10G'.`,
        `${FILE}:3:10: include: expected a list, got 'a.yaml'.`,
        `${FILE}:4:15: path_mapping: expected a mapping, got a list.`
      ])
    }))

  it.effect("experimental_features must be empty", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("experimental_features:", "  cache_mru_eviction: true"))
      assert.strictEqual(
        error.message,
        `${FILE}:2:3: experimental_features: unknown experimental feature 'cache_mru_eviction' (experimental_features ` +
          `must be empty; retired flags are rejected).`
      )
    }))

  it.effect("replicas: priorities of at least 1, no duplicates", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: /a}}",
        "    replicas:",
        "      - {replica_profile: q, read_priority: 1}",
        "      - {replica_profile: q, read_priority: 2}",
        "      - {replica_profile: r, read_priority: 0}"
      ))
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:7:45: profiles.p.replicas[2].read_priority: expected a number >= 1, got 0.`
      ])
      const duplicate = yield* failure(yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: /a}}",
        "    replicas:",
        "      - {replica_profile: q, read_priority: 1}",
        "      - {replica_profile: q, read_priority: 2}"
      ))
      assert.strictEqual(duplicate.message, `${FILE}:6:9: profiles.p.replicas[1]: duplicate replica entry for profile 'q'.`)
    }))
})
