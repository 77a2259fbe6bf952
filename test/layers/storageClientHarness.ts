/** Shared set-up of the StorageClient tests: a config with two memory profiles and a posix one. */
import { Effect, Schema, Stream } from "effect"
import { mkdirSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Memory from "../../src/providers/storage/memory.ts"
import { defaultRegistry } from "../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../src/layers/StorageClientLive.ts"
import type { ProviderWrap } from "../../src/layers/StorageClientLive.ts"
import type { ProviderFactory } from "../../src/services/ProviderRegistry.ts"
import type { StorageClientShape } from "../../src/services/StorageClient.ts"
import type { StorageConfig } from "../../src/services/StorageConfig.ts"
import { storageError } from "../../src/services/StorageProvider.ts"
import type { StorageError } from "../../src/services/StorageProvider.ts"

export const text = (s: string) => new TextEncoder().encode(s)
export const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

export const configOf = (dir: string): StorageConfig => ({
  profiles: {
    m1: { storage_provider: { type: "memory", options: { base_path: "" } } },
    m2: { storage_provider: { type: "memory", options: { base_path: "" } } },
    disk: { storage_provider: { type: "file", options: { base_path: join(dir, "disk") } } },
    cloud: { storage_provider: { type: "hdfs", options: { base_path: "bucket" } } },
    typo: { storage_provider: { type: "memory", options: { base_path: "", colour: "blue" } } },
    counted: { storage_provider: { type: "counted", options: {} } },
    flaky: { storage_provider: { type: "flaky", options: {} } }
  },
  pathMapping: []
})

export const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-client-"))
  mkdirSync(join(dir, "disk"))
  return dir
}

export const makeClient = (dir: string, options: { registry?: typeof defaultRegistry; wrap?: ProviderWrap } = {}) =>
  makeStorageClient({ config: configOf(dir), registry: options.registry ?? defaultRegistry, cwd: dir, wrap: options.wrap })

/** Puts `key: content` pairs into a profile. */
export const seed = (client: StorageClientShape, profile: string, files: Record<string, string>) =>
  Effect.forEach(Object.entries(files), ([key, content]) => client.write(`msc://${profile}/${key}`, text(content)), {
    discard: true
  })

export const keysOf = (client: StorageClientShape, url: string, options?: Parameters<StorageClientShape["list"]>[1]) =>
  Effect.map(Stream.runCollect(client.list(url, options)), (entries) => entries.map((entry) => entry.key))

export const failure = <A>(effect: Effect.Effect<A, StorageError>) => Effect.flip(effect)

export const TREE = {
  "a/b.txt": "b",
  "a/c/d.txt": "d",
  "a/c/e.csv": "e",
  "a/.hidden": "h",
  "a-b/x.txt": "x",
  "a.txt": "top",
  "z.bin": "z"
}

/** A memory provider whose reads fail after the first chunk. */
export const flakyFactory: ProviderFactory = {
  type: "flaky",
  options: Schema.Struct({}),
  make: () =>
    Effect.map(Memory.make(), (provider) => ({
      ...provider,
      read: (key: string) =>
        Stream.concat(
          Stream.take(provider.read(key), 1),
          Stream.fail(storageError("Unavailable", "The connection dropped.", { operation: "read", key }))
        )
    }))
}

