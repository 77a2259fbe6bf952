import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { join } from "node:path"
import { loadConfig } from "../../../src/layers/StorageConfigLoader.ts"
import { lines, scratch, write, yaml } from "./fixtures.ts"

const PROFILE = (base: string) => `{storage_provider: {type: file, options: {base_path: ${base}}}}`

describe("loadConfig: include", () => {
  it.effect("merges included files relative to the including one", () =>
    Effect.gen(function*() {
      const dir = scratch()
      write(dir, "parts/profiles.yaml", yaml(
        "profiles:",
        `  shared: ${PROFILE("/shared")}`,
        "path_mapping:",
        "  /data/: msc://shared/",
        "opentelemetry:",
        "  metrics:",
        "    attributes: [{type: host, options: {attributes: {node: name}}}]"
      ))
      write(dir, "parts/cache.json", JSON.stringify({ cache: { size: "1G", location: "/tmp/c" } }))
      const main = write(dir, "main.yaml", yaml(
        "include: [parts/profiles.yaml, '" + join(dir, "parts/cache.json") + "']",
        "profiles:",
        `  shared: ${PROFILE("/shared")}`,
        `  own: ${PROFILE("/own")}`,
        "path_mapping:",
        "  /own/: msc://own/",
        "opentelemetry:",
        "  metrics:",
        "    attributes: [{type: static, options: {attributes: {cluster: a}}}]",
        "    exporter: {type: console}"
      ))
      const config = yield* loadConfig({ file: main, env: {} })
      assert.deepStrictEqual(Object.keys(config.profiles).toSorted(), ["__filesystem__", "own", "shared"])
      assert.deepStrictEqual(config.pathMapping.map((m) => m.prefix).toSorted(), ["/data/", "/own/"])
      assert.deepStrictEqual(config.cache, { size: "1G", location: "/tmp/c" })
      assert.deepStrictEqual(config.opentelemetry, {
        metrics: {
          exporter: { type: "console", options: {} },
          attributes: [
            { type: "static", options: { attributes: { cluster: "a" } } },
            { type: "host", options: { attributes: { node: "name" } } }
          ]
        }
      })
    }))

  it.effect("a profile defined differently in two files is an error naming both files", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const part = write(dir, "part.yaml", yaml("profiles:", "  # same name, other path", `  data: ${PROFILE("/other")}`))
      const main = write(dir, "main.yaml", yaml("include: [part.yaml]", "profiles:", `  data: ${PROFILE("/data")}`))
      const error = yield* Effect.flip(loadConfig({ file: main, env: {} }))
      assert.strictEqual(
        error.message,
        `${part}:3:9: profiles.data: profile 'data' is defined differently in ${main} and ${part}.`
      )
      assert.strictEqual(error.file, part)
      assert.strictEqual(error.line, 3)
    }))

  it.effect("conflicting path_mapping, cache, posix and opentelemetry fields; nested includes", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const part = write(dir, "part.yaml", yaml(
        "include: [other.yaml]",
        "path_mapping: {/a/: msc://__filesystem__/, /same/: msc://__filesystem__/}",
        "cache: {size: 2G}",
        "posix: {mountname: x}",
        "opentelemetry: {metrics: {exporter: {type: otlp}}}"
      ))
      write(dir, "other.yaml", "{}\n")
      const main = write(dir, "main.yaml", yaml(
        "include: [part.yaml]",
        "path_mapping: {/a/: msc://other/, /same/: msc://__filesystem__/}",
        `profiles: {other: ${PROFILE("/o")}}`,
        "cache: {size: 1G}",
        "posix: {mountname: x}",
        "opentelemetry: {metrics: {exporter: {type: console}}}"
      ))
      const error = yield* Effect.flip(loadConfig({ file: main, env: {} }))
      const both = `in ${main} and ${part}`
      assert.deepStrictEqual(lines(error.message), [
        `${part}:1:1: include: nested includes are not allowed (${part} is included by ${main}).`,
        `${part}:2:21: path_mapping["/a/"]: path_mapping["/a/"] has different values ${both}.`,
        `${part}:3:8: cache: 'cache' is defined differently ${both}.`,
        `${part}:5:44: opentelemetry.metrics.exporter.type: opentelemetry.metrics.exporter.type is defined differently ${both}.`
      ])
    }))

  it.effect("a missing or invalid included file is named", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const main = write(dir, "main.yaml", yaml("include:", "  - ok.yaml", "  - missing.yaml"))
      write(dir, "ok.yaml", "{}\n")
      const missing = yield* Effect.flip(loadConfig({ file: main, env: {} }))
      assert.strictEqual(missing.message, `${main}:3:5: include[1]: included config file ${join(dir, "missing.yaml")} does not exist.`)
      const bad = write(dir, "bad.yaml", yaml("profiles:", "  p:", "    storage_provider: {type: file, option: {}}"))
      const main2 = write(dir, "main2.yaml", yaml("include: [bad.yaml]"))
      const invalid = yield* Effect.flip(loadConfig({ file: main2, env: {} }))
      assert.deepStrictEqual(lines(invalid.message), [
        `${bad}:3:5: profiles.p.storage_provider: missing required key 'options'.`,
        `${bad}:3:36: profiles.p.storage_provider: unknown key 'option' (expected one of: type, options).`
      ])
    }))
})
