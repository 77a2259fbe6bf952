import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { chmodSync } from "node:fs"
import { join } from "node:path"
import { parse as parseYaml } from "yaml"
import { configSearchPaths, loadConfig, renderConfig } from "../../src/layers/StorageConfigLoader.ts"
import { ConfigError, FILESYSTEM_PROFILE_CONFIG } from "../../src/services/StorageConfig.ts"
import { lines, scratch, write, yaml } from "./config/fixtures.ts"


describe("configSearchPaths", () => {
  it("follows MSC's order with only HOME set (test_find_config_file_paths)", () => {
    assert.deepStrictEqual(configSearchPaths({ HOME: "/home/testuser" }), [
      "/home/testuser/.msc_config.yaml",
      "/home/testuser/.msc_config.json",
      "/home/testuser/.config/msc/config.yaml",
      "/home/testuser/.config/msc/config.json",
      "/etc/xdg/msc/config.yaml",
      "/etc/xdg/msc/config.json",
      "/etc/msc_config.yaml",
      "/etc/msc_config.json"
    ])
  })

  it("follows MSC's order with XDG_CONFIG_HOME and XDG_CONFIG_DIRS set", () => {
    assert.deepStrictEqual(
      configSearchPaths({
        HOME: "/home/testuser",
        XDG_CONFIG_HOME: "/custom/config",
        XDG_CONFIG_DIRS: "/opt/config:/usr/local/etc"
      }),
      [
        "/custom/config/msc/config.yaml",
        "/custom/config/msc/config.json",
        "/home/testuser/.msc_config.yaml",
        "/home/testuser/.msc_config.json",
        "/home/testuser/.config/msc/config.yaml",
        "/home/testuser/.config/msc/config.json",
        "/opt/config/msc/config.yaml",
        "/opt/config/msc/config.json",
        "/usr/local/etc/msc/config.yaml",
        "/usr/local/etc/msc/config.json",
        "/etc/msc_config.yaml",
        "/etc/msc_config.json"
      ]
    )
  })

  it("puts MSC_CONFIG first and skips empty variables and empty XDG_CONFIG_DIRS entries", () => {
    assert.deepStrictEqual(
      configSearchPaths({ MSC_CONFIG: "/x/my.json", HOME: "", XDG_CONFIG_HOME: "", XDG_CONFIG_DIRS: ":/a: :" }),
      ["/x/my.json", "/a/msc/config.yaml", "/a/msc/config.json", "/etc/msc_config.yaml", "/etc/msc_config.json"]
    )
    assert.deepStrictEqual(configSearchPaths({ XDG_CONFIG_DIRS: "" }).slice(0, 2), [
      "/etc/xdg/msc/config.yaml",
      "/etc/xdg/msc/config.json"
    ])
  })
})

const FS = (base: string) => `{type: file, options: {base_path: ${base}}}`
const PROFILE = (base: string) => `{storage_provider: ${FS(base)}}`

describe("loadConfig: finding the file", () => {
  it.effect("loads a named file, relative to cwd, and adds __filesystem__", () =>
    Effect.gen(function*() {
      const dir = scratch()
      write(dir, "conf/strata.yaml", yaml("profiles:", `  data: ${PROFILE("/srv/data")}`))
      const config = yield* loadConfig({ file: "conf/strata.yaml", env: {}, cwd: dir })
      assert.strictEqual(config.file, join(dir, "conf/strata.yaml"))
      assert.deepStrictEqual(Object.keys(config.profiles), ["data", "__filesystem__"])
      assert.deepStrictEqual(config.profiles["__filesystem__"], FILESYSTEM_PROFILE_CONFIG)
    }))

  it.effect("a named file that is missing, a directory or unreadable is named in the error", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const missing = yield* Effect.flip(loadConfig({ file: join(dir, "nope.yaml"), env: {} }))
      assert.instanceOf(missing, ConfigError)
      assert.strictEqual(missing.message, `Cannot read the config file ${join(dir, "nope.yaml")}: it does not exist.`)
      assert.strictEqual(missing.file, join(dir, "nope.yaml"))
      const directory = yield* Effect.flip(loadConfig({ file: dir, env: {} }))
      assert.strictEqual(directory.message, `Cannot read the config file ${dir}: it is a directory.`)
      if (process.getuid?.() !== 0) {
        const locked = write(dir, "locked.yaml", "profiles: {}\n")
        chmodSync(locked, 0o000)
        const denied = yield* Effect.flip(loadConfig({ file: locked, env: {} }))
        assert.strictEqual(denied.message, `Cannot read the config file ${locked}: permission denied.`)
      }
    }))

  it.effect("without a named file, the first existing search path wins (MSC_CONFIG, then XDG, then HOME)", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const home = join(dir, "home")
      const fromhome = { storage_provider: { type: "file", options: { base_path: "/h" } } }
      write(home, ".msc_config.json", JSON.stringify({ profiles: { fromhome } }))
      write(home, ".config/msc/config.yaml", yaml("profiles:", `  later: ${PROFILE("/l")}`))
      const env = { HOME: home, XDG_CONFIG_DIRS: join(dir, "none") }
      const fromHome = yield* loadConfig({ env, cwd: dir })
      assert.strictEqual(fromHome.file, join(home, ".msc_config.json"))
      assert.isTrue(Object.hasOwn(fromHome.profiles, "fromhome"))
      assert.isFalse(Object.hasOwn(fromHome.profiles, "later"), "later files are not merged")

      write(dir, "xdg/msc/config.yaml", yaml("profiles:", `  xdg: ${PROFILE("/x")}`))
      const fromXdg = yield* loadConfig({ env: { ...env, XDG_CONFIG_HOME: join(dir, "xdg") }, cwd: dir })
      assert.strictEqual(fromXdg.file, join(dir, "xdg/msc/config.yaml"))

      write(dir, "explicit.yaml", yaml("profiles:", `  explicit: ${PROFILE("/e")}`))
      const fromEnv = yield* loadConfig({ env: { ...env, MSC_CONFIG: "explicit.yaml" }, cwd: dir })
      assert.strictEqual(fromEnv.file, join(dir, "explicit.yaml"))
      // As in MSC, a MSC_CONFIG that does not exist falls through to the search paths.
      const fallThrough = yield* loadConfig({ env: { ...env, MSC_CONFIG: join(dir, "missing.yaml") }, cwd: dir })
      assert.strictEqual(fallThrough.file, join(home, ".msc_config.json"))
    }))

  it.effect("no file anywhere: the embedded default with only __filesystem__", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const config = yield* loadConfig({ env: { HOME: dir, XDG_CONFIG_DIRS: join(dir, "none") }, cwd: dir })
      // /etc/msc_config.* are the last candidates; a test machine has none.
      assert.strictEqual(config.file, undefined)
      assert.deepStrictEqual(config, { file: undefined, profiles: { __filesystem__: FILESYSTEM_PROFILE_CONFIG }, pathMapping: [] })
    }))
})

describe("loadConfig: whole-config rules", () => {
  it.effect("expands variables from the given env, and names an unresolved one with its line", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const file = write(dir, "c.yaml", yaml(
        "profiles:",
        "  data:",
        "    storage_provider:",
        "      type: file",
        "      options:",
        "        base_path: ${DATA}/x"
      ))
      const config = yield* loadConfig({ file, env: { DATA: "/srv" } })
      assert.strictEqual(config.profiles["data"]?.storage_provider?.options["base_path"], "/srv/x")
      const error = yield* Effect.flip(loadConfig({ file, env: {} }))
      assert.strictEqual(
        error.message,
        `${file}:6:20: profiles.data.storage_provider.options.base_path: unresolved environment variable \${DATA} (it is not set).`
      )
    }))

  it.effect("__filesystem__ may be repeated as it is, not redefined", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const same = write(dir, "same.yaml", yaml("profiles:", "  __filesystem__:", `    storage_provider: ${FS("/")}`))
      const config = yield* loadConfig({ file: same, env: {} })
      assert.deepStrictEqual(config.profiles["__filesystem__"], FILESYSTEM_PROFILE_CONFIG)
      const changed = write(dir, "changed.yaml", yaml("profiles:", "  __filesystem__:", `    storage_provider: ${FS("/data")}`))
      const error = yield* Effect.flip(loadConfig({ file: changed, env: {} }))
      assert.strictEqual(
        error.message,
        `${changed}:2:3: profiles.__filesystem__: the reserved profile '__filesystem__' cannot be redefined with different ` +
          `settings (it is always storage_provider {type: file, options: {base_path: /}}).`
      )
    }))

  it.effect("path_mapping targets must exist; mappings are sorted longest prefix first", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const good = write(dir, "good.yaml", yaml(
        "profiles:",
        `  a: ${PROFILE("/a")}`,
        `  b: ${PROFILE("/b")}`,
        "path_mapping:",
        "  /lustre/: msc://a/",
        "  /lustre/deep/er/: msc://b/",
        "  s3://bucket/: msc://_s3-other/",
        "  /x/: msc://__filesystem__/"
      ))
      const config = yield* loadConfig({ file: good, env: {} })
      assert.deepStrictEqual(config.pathMapping, [
        { prefix: "/lustre/deep/er/", profile: "b" },
        { prefix: "s3://bucket/", profile: "_s3-other" },
        { prefix: "/lustre/", profile: "a" },
        { prefix: "/x/", profile: "__filesystem__" }
      ])
      const bad = write(dir, "bad.yaml", yaml("profiles:", `  a: ${PROFILE("/a")}`, "path_mapping:", "  /lustre/: msc://nope/"))
      const error = yield* Effect.flip(loadConfig({ file: bad, env: {} }))
      assert.strictEqual(
        error.message,
        `${bad}:4:13: path_mapping["/lustre/"]: maps to profile 'nope', which is not defined (known profiles: __filesystem__, a).`
      )
    }))

  it.effect("replicas must exist, differ from the profile and have no replicas; they come sorted by priority", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const good = write(dir, "good.yaml", yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: /p}}",
        "    replicas:",
        "      - {replica_profile: slow, read_priority: 2}",
        "      - {replica_profile: fast, read_priority: 1}",
        `  slow: ${PROFILE("/s")}`,
        `  fast: ${PROFILE("/f")}`
      ))
      const config = yield* loadConfig({ file: good, env: {} })
      assert.deepStrictEqual(config.profiles["p"]?.replicas?.map((r) => r.replica_profile), ["fast", "slow"])
      const bad = write(dir, "bad.yaml", yaml(
        "profiles:",
        "  p:",
        "    storage_provider: {type: file, options: {base_path: /p}}",
        "    replicas:",
        "      - {replica_profile: p, read_priority: 1}",
        "      - {replica_profile: ghost, read_priority: 1}",
        "      - {replica_profile: q, read_priority: 1}",
        "  q:",
        "    storage_provider: {type: file, options: {base_path: /q}}",
        "    replicas: [{replica_profile: p, read_priority: 1}]"
      ))
      const error = yield* Effect.flip(loadConfig({ file: bad, env: {} }))
      assert.deepStrictEqual(lines(error.message), [
        `${bad}:5:27: profiles.p.replicas[0].replica_profile: a profile cannot be its own replica.`,
        `${bad}:6:27: profiles.p.replicas[1].replica_profile: replica profile 'ghost' is not defined.`,
        `${bad}:7:27: profiles.p.replicas[2].replica_profile: replica profile 'q' has replicas of its own, which is not allowed.`,
        `${bad}:10:34: profiles.q.replicas[0].replica_profile: replica profile 'p' has replicas of its own, which is not allowed.`
      ])
    }))
})

describe("renderConfig", () => {
  it.effect("prints the resolved config in YAML or JSON with credentials redacted", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const file = write(dir, "c.yaml", yaml(
        "profiles:",
        "  data:",
        "    storage_provider: {type: s3, options: {base_path: b, max_pool_connections: 16}}",
        "    credentials_provider:",
        "      type: S3Credentials",
        "      options: {access_key: $KEY, secret_key: $SECRET, session_token: tok-123}",
        "    retry: {attempts: 2}",
        "  az:",
        "    storage_provider: {type: azure, options: {base_path: c, endpoint_url: 'https://a.blob'}}",
        "    credentials_provider: {type: AzureCredentials, options: {connection: 'AccountKey=xyz'}}",
        "path_mapping:",
        "  /data/: msc://data/"
      ))
      const config = yield* loadConfig({ file, env: { KEY: "AKIAEXAMPLE", SECRET: "s3cr3t" } })
      const text = renderConfig(config, "yaml")
      for (const secret of ["AKIAEXAMPLE", "s3cr3t", "tok-123", "AccountKey=xyz"]) assert.notInclude(text, secret)
      const parsed = parseYaml(text) as Record<string, any>
      assert.deepStrictEqual(parsed["profiles"]["data"]["credentials_provider"], {
        type: "S3Credentials",
        options: { access_key: "<redacted>", secret_key: "<redacted>", session_token: "<redacted>" }
      })
      assert.strictEqual(parsed["profiles"]["data"]["storage_provider"]["options"]["max_pool_connections"], 16)
      assert.deepStrictEqual(parsed["profiles"]["data"]["retry"], { attempts: 2, delay: 1, backoff_multiplier: 2 })
      assert.deepStrictEqual(parsed["path_mapping"], { "/data/": "msc://data/" })
      assert.deepStrictEqual(parsed["profiles"]["__filesystem__"], FILESYSTEM_PROFILE_CONFIG)
      const json = JSON.parse(renderConfig(config, "json")) as Record<string, any>
      assert.deepStrictEqual(json, parsed)
      // The output is itself a valid config.
      const again = write(dir, "again.yaml", text)
      yield* loadConfig({ file: again, env: {} })
    }))
})
