import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { loadConfig, validateProviderOptions } from "../../../src/layers/StorageConfigLoader.ts"
import type { ProviderFactory } from "../../../src/services/ProviderRegistry.ts"
import { makeRegistry } from "../../../src/services/ProviderRegistry.ts"
import type { StorageConfig } from "../../../src/services/StorageConfig.ts"
import { FILESYSTEM_PROFILE_CONFIG } from "../../../src/services/StorageConfig.ts"
import { lines, scratch, write, yaml } from "./fixtures.ts"

const PROFILE = (base: string) => `{storage_provider: {type: file, options: {base_path: ${base}}}}`

const fileFactory: ProviderFactory = {
  type: "file",
  options: Schema.Struct({ base_path: Schema.String }),
  make: () => Effect.die("not built in this test")
}
const s3Factory: ProviderFactory = {
  type: "s3",
  options: Schema.Struct({ base_path: Schema.String, region_name: Schema.optional(Schema.String) }),
  make: () => Effect.die("not built in this test")
}
const registry = makeRegistry([fileFactory, s3Factory])

describe("validateProviderOptions", () => {
  it.effect("accepts registered types with valid options", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const file = write(dir, "c.yaml", yaml(
        "profiles:",
        `  a: ${PROFILE("/a")}`,
        "  b: {storage_provider: {type: s3, options: {base_path: bucket, region_name: eu}}}"
      ))
      yield* validateProviderOptions(yield* loadConfig({ file, env: {} }), registry)
    }))

  it.effect("names unregistered types (listing the known ones) and unknown option keys, with lines", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const file = write(dir, "c.yaml", yaml(
        "profiles:",
        "  data:",
        "    storage_provider:",
        "      type: file",
        "      options:",
        "        base_path: /a",
        "        bse_path: /b",
        "  cloud:",
        "    storage_provider:",
        "      type: gcs",
        "      options: {base_path: b}",
        "  typed:",
        "    storage_provider:",
        "      type: s3",
        "      options: {base_path: b, region_name: 5}"
      ))
      const error = yield* Effect.flip(validateProviderOptions(yield* loadConfig({ file, env: {} }), registry))
      assert.deepStrictEqual(lines(error.message), [
        `${file}:7:9: profiles.data.storage_provider.options: unknown key 'bse_path' (expected one of: base_path).`,
        `${file}:10:13: profiles.cloud.storage_provider.type: unknown storage provider type 'gcs' (known types: file, s3).`,
        `${file}:15:44: profiles.typed.storage_provider.options.region_name: expected a string, got 5.`
      ])
      assert.strictEqual(error.path, "profiles.data.storage_provider.options.bse_path")
      assert.strictEqual(error.file, file)
      assert.strictEqual(error.line, 7)
      assert.strictEqual(error.column, 9)
    }))

  it.effect("works on a config built in code (no positions) and skips the built-in __filesystem__", () =>
    Effect.gen(function*() {
      const config: StorageConfig = {
        profiles: {
          __filesystem__: FILESYSTEM_PROFILE_CONFIG,
          m: { storage_provider: { type: "s3", options: { base_path: "b", colour: "blue" } } }
        },
        pathMapping: []
      }
      const error = yield* Effect.flip(validateProviderOptions(config, makeRegistry([s3Factory])))
      assert.strictEqual(
        error.message,
        "profiles.m.storage_provider.options: unknown key 'colour' (expected one of: base_path, region_name)."
      )
    }))
})
