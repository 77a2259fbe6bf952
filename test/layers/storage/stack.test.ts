import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { defaultRegistry } from "../../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../../src/layers/StorageClientLive.ts"
import type { ProviderWrap } from "../../../src/layers/StorageClientLive.ts"
import { composeWraps, profileStackWrap } from "../../../src/layers/storage/stack.ts"
import type { StorageConfig } from "../../../src/services/StorageConfig.ts"
import type { StorageProviderShape } from "../../../src/services/StorageProvider.ts"
import { tempDir } from "../readcache/support.ts"

const text = (s: string) => new TextEncoder().encode(s)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** Entry files under a cache location (strata's part of it). */
const entries = (location: string) =>
  Effect.promise(async () => {
    const files = await fsp.readdir(join(location, "strata"), { recursive: true }).catch(() => [] as Array<string>)
    return files.filter((file) => /[0-9a-f]{64}$/.test(file))
  })

const configWith = (location: string, dir: string): StorageConfig => ({
  profiles: {
    cached: { storage_provider: { type: "memory", options: { base_path: "" } }, caching_enabled: true, retry: { attempts: 2, delay: 0, backoff_multiplier: 1 } },
    plain: { storage_provider: { type: "memory", options: { base_path: "" } } },
    local: { storage_provider: { type: "file", options: { base_path: dir } }, caching_enabled: true }
  },
  pathMapping: [],
  cache: { location, size: "1M", cache_line_size: "1M", eviction_policy: { policy: "lru" } }
})

describe("the profile stack", () => {
  it.effect("composes wraps in order, the first closest to the provider", () =>
    Effect.gen(function*() {
      const order: Array<string> = []
      const tagging = (name: string): ProviderWrap => (_profile, _config, provider) =>
        Effect.sync((): StorageProviderShape => {
          order.push(name)
          return { ...provider, type: `${provider.type}+${name}` }
        })
      const base = { type: "memory" } as StorageProviderShape
      const wrapped = yield* composeWraps(tagging("retry"), tagging("instrumentation"), tagging("cache"))("p", {}, base)
      assert.strictEqual(wrapped.type, "memory+retry+instrumentation+cache")
      assert.deepStrictEqual(order, ["retry", "instrumentation", "cache"])
    }))

  it.effect("caches the reads of profiles with caching_enabled, and a write through the client drops the entry", () =>
    Effect.gen(function*() {
      const location = yield* tempDir
      const dir = yield* tempDir
      const config = configWith(location, dir)
      const wrap = yield* profileStackWrap(config, { env: {}, instrumented: true })
      const client = yield* makeStorageClient({ config, registry: defaultRegistry, cwd: dir, wrap })
      yield* client.write("msc://cached/a.txt", text("one"))
      assert.strictEqual(decode(yield* client.read("msc://cached/a.txt")), "one")
      assert.strictEqual((yield* entries(location)).length, 1)
      yield* client.write("msc://cached/a.txt", text("two"))
      assert.strictEqual((yield* entries(location)).length, 0)
      assert.strictEqual(decode(yield* client.read("msc://cached/a.txt")), "two")

      // Not cached: a profile without caching_enabled, and local disk.
      yield* client.write("msc://plain/b.txt", text("b"))
      yield* client.read("msc://plain/b.txt")
      yield* client.write("msc://local/c.txt", text("c"))
      yield* client.read("msc://local/c.txt")
      assert.strictEqual((yield* entries(location)).length, 1)
    }))

  it.effect("without a cache section, caching_enabled profiles work uncached", () =>
    Effect.gen(function*() {
      const location = yield* tempDir
      const dir = yield* tempDir
      const { cache: _cache, ...config } = configWith(location, dir)
      const wrap = yield* profileStackWrap(config, { env: {}, instrumented: false })
      const client = yield* makeStorageClient({ config, registry: defaultRegistry, cwd: dir, wrap })
      yield* client.write("msc://cached/a.txt", text("one"))
      assert.strictEqual(decode(yield* client.read("msc://cached/a.txt")), "one")
      assert.deepStrictEqual(yield* entries(location), [])
    }))

  it.effect("a cache section that does not decode is a ConfigError naming it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const config: StorageConfig = { ...configWith(dir, dir), cache: { size: "10 gigabytes" } }
      const error = yield* Effect.flip(profileStackWrap(config, { env: {}, instrumented: false }))
      assert.strictEqual(error._tag, "ConfigError")
      assert.strictEqual(error.path, "cache")
      assert.include(error.message, "size")
    }))
})
