import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { registryWith } from "../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../src/layers/StorageClientLive.ts"
import { validateProviderOptions } from "../../src/layers/StorageConfigLoader.ts"
import * as Memory from "../../src/providers/storage/memory.ts"
import type { ProviderFactory } from "../../src/services/ProviderRegistry.ts"
import type { ProfileConfig, StorageConfig } from "../../src/services/StorageConfig.ts"
import type { ListOptions } from "../../src/services/StorageProvider.ts"
import { MSC_LINES, partKey, VERSION_NEW, writeFixture } from "../providers/metadata/mscManifestFixture.ts"
import { decode, keysOf, scratch, text } from "./storageClientHarness.ts"

/** Listings of the data keys (not of the manifest folder) the backend was asked for. */
const dataListings: Array<ListOptions> = []

/** A memory store holding the MSC fixture, counting the listings it answers. */
const fixtureFactory: ProviderFactory = {
  type: "fixture",
  options: Schema.Struct({ base_path: Schema.String }),
  make: () =>
    Effect.gen(function*() {
      const storage = yield* Memory.make()
      yield* writeFixture(storage)
      return {
        ...storage,
        list: (options?: ListOptions) => {
          if (!(options?.prefix ?? "").startsWith(".msc_manifests")) dataListings.push(options ?? {})
          return storage.list(options)
        }
      }
    })
}

const manifest = (options: Record<string, unknown>): ProfileConfig["metadata_provider"] => ({ type: "manifest", options })

const configOf = (dir: string): StorageConfig => ({
  profiles: {
    fixture: {
      storage_provider: { type: "fixture", options: { base_path: "" } },
      metadata_provider: manifest({ manifest_path: ".msc_manifests" })
    },
    data: {
      storage_provider: { type: "file", options: { base_path: join(dir, "data") } },
      metadata_provider: manifest({ manifest_path: ".msc_manifests", writable: true })
    },
    readonly: {
      storage_provider: { type: "file", options: { base_path: join(dir, "data") } },
      metadata_provider: manifest({ manifest_path: ".msc_manifests" })
    },
    plain: { storage_provider: { type: "file", options: { base_path: join(dir, "data") } } },
    elsewhere: {
      storage_provider: { type: "file", options: { base_path: join(dir, "data") } },
      metadata_provider: manifest({ manifest_path: "m", storage_provider_profile: "manifests", writable: true })
    },
    manifests: { storage_provider: { type: "file", options: { base_path: join(dir, "manifests") } } },
    auto: {
      storage_provider: { type: "file", options: { base_path: join(dir, "auto") } },
      metadata_provider: manifest({ manifest_path: "", writable: true }),
      autocommit: { interval_minutes: 5, at_exit: true }
    }
  },
  pathMapping: []
})

const setup = () =>
  Effect.gen(function*() {
    const dir = scratch()
    mkdirSync(join(dir, "data"))
    mkdirSync(join(dir, "manifests"))
    mkdirSync(join(dir, "auto"))
    const client = yield* makeStorageClient({ config: configOf(dir), registry: registryWith([fixtureFactory]), cwd: dir })
    return { dir, client }
  })

describe("StorageClient with a manifest metadata provider", () => {
  it.effect("list, info, glob, isFile and isEmpty come from the manifest, never from listing the backend", () =>
    Effect.gen(function*() {
      const { client } = yield* setup()
      dataListings.length = 0
      // train/untracked.jpg is in the store but not in the manifest; blobs/7f3a only under a virtual name.
      assert.deepStrictEqual(yield* keysOf(client, "msc://fixture/"), [
        "train/cat-001.jpg",
        "train/cat-002.jpg",
        "train/latest.jpg",
        "val/café.jpg"
      ])
      assert.deepStrictEqual(yield* keysOf(client, "msc://fixture/train/cat-002.jpg"), ["train/cat-002.jpg"])
      assert.deepStrictEqual(yield* keysOf(client, "msc://fixture/", { recursive: false }), ["train", "val"])
      const info = yield* client.info("msc://fixture/train/cat-002.jpg")
      assert.strictEqual(info.contentLength, 2097152)
      assert.deepStrictEqual(info.metadata, { label: "cat", score: "0.5" })
      assert.strictEqual((yield* client.info("msc://fixture/train")).type, "directory")
      assert.strictEqual((yield* Effect.flip(client.info("msc://fixture/train/untracked.jpg"))).reason, "NotFound")
      assert.deepStrictEqual(yield* client.glob("msc://fixture/train/cat-*.jpg"), [
        "msc://fixture/train/cat-001.jpg",
        "msc://fixture/train/cat-002.jpg"
      ])
      assert.deepStrictEqual(yield* client.glob("msc://fixture/**/*.jpg"), [
        "msc://fixture/train/cat-001.jpg",
        "msc://fixture/train/cat-002.jpg",
        "msc://fixture/train/latest.jpg",
        "msc://fixture/val/café.jpg"
      ])
      assert.isTrue(yield* client.isFile("msc://fixture/train/cat-002.jpg"))
      assert.isFalse(yield* client.isFile("msc://fixture/train/untracked.jpg"))
      assert.isTrue(yield* client.isEmpty("msc://fixture/blobs"))
      assert.deepStrictEqual(dataListings, [])
    }))

  it.effect("reads resolve virtual paths (and symlink records) to physical keys; untracked objects are not found", () =>
    Effect.gen(function*() {
      const { client } = yield* setup()
      assert.strictEqual(decode(yield* client.read("msc://fixture/train/cat-002.jpg")), "cat two, stored elsewhere")
      assert.strictEqual(decode(yield* client.read("msc://fixture/train/latest.jpg")), "cat two, stored elsewhere")
      assert.strictEqual(decode(yield* client.read("msc://fixture/train/cat-002.jpg", { range: { offset: 4, length: 3 } })), "two")
      const opened = yield* Stream.runCollect(client.open("msc://fixture/val/café.jpg"))
      assert.strictEqual(decode(Uint8Array.from(opened.flatMap((chunk) => [...chunk]))), "val")
      const untracked = yield* Effect.flip(client.read("msc://fixture/train/untracked.jpg"))
      assert.strictEqual(untracked.reason, "NotFound")
      assert.strictEqual(untracked.message, "No file or directory at msc://fixture/train/untracked.jpg.")
      const directory = yield* Effect.flip(client.read("msc://fixture/train"))
      assert.strictEqual(directory.message, "msc://fixture/train is a directory.")
    }))

  it.effect("writes, copies and deletes are pending until commitMetadata, then persist as a new manifest", () =>
    Effect.gen(function*() {
      const { client, dir } = yield* setup()
      yield* client.write("msc://data/a/one.txt", text("one"), { metadata: { owner: "ada" } })
      yield* client.write("msc://data/a/two.txt", text("two"))
      // The bytes are on disk at once; the manifest does not show them yet.
      assert.isTrue(existsSync(join(dir, "data/a/one.txt")))
      assert.deepStrictEqual(yield* keysOf(client, "msc://data/"), [])
      assert.strictEqual((yield* Effect.flip(client.info("msc://data/a/one.txt"))).reason, "NotFound")
      assert.strictEqual((yield* Effect.flip(client.read("msc://data/a/one.txt"))).reason, "NotFound")

      yield* client.commitMetadata("msc://data")
      assert.deepStrictEqual(yield* keysOf(client, "msc://data/"), ["a/one.txt", "a/two.txt"])
      assert.strictEqual(decode(yield* client.read("msc://data/a/one.txt")), "one")
      // Attributes live in the manifest, over a backend that cannot keep them.
      assert.deepStrictEqual((yield* client.info("msc://data/a/one.txt")).metadata, { owner: "ada" })

      yield* client.copy("msc://data/a/one.txt", "msc://data/b/copy.txt")
      yield* client.delete("msc://data/a/two.txt")
      assert.isFalse(existsSync(join(dir, "data/a/two.txt")))
      assert.deepStrictEqual(yield* keysOf(client, "msc://data/"), ["a/one.txt", "a/two.txt"])
      yield* client.commitMetadata("msc://data/")
      assert.deepStrictEqual(yield* keysOf(client, "msc://data/"), ["a/one.txt", "b/copy.txt"])
      assert.deepStrictEqual((yield* client.info("msc://data/b/copy.txt")).metadata, { owner: "ada" })

      // A new client reads the committed manifest back.
      const again = yield* makeStorageClient({ config: configOf(dir), registry: registryWith([fixtureFactory]), cwd: dir })
      assert.deepStrictEqual(yield* keysOf(again, "msc://readonly/"), ["a/one.txt", "b/copy.txt"])
    }))

  it.effect("overwrites are refused unless allowed; a read-only manifest refuses writes before touching the store", () =>
    Effect.gen(function*() {
      const { client, dir } = yield* setup()
      yield* client.write("msc://data/x.txt", text("x"))
      yield* client.commitMetadata("msc://data")
      const again = yield* Effect.flip(client.write("msc://data/x.txt", text("y")))
      assert.strictEqual(again.reason, "AlreadyExists")
      assert.include(again.message, "allow_overwrites: false")
      assert.strictEqual(decode(yield* client.read("msc://data/x.txt")), "x")
      const refused = yield* Effect.flip(client.write("msc://readonly/y.txt", text("y")))
      assert.strictEqual(refused.reason, "Unsupported")
      assert.include(refused.message, "read-only (set writable: true")
      assert.isFalse(existsSync(join(dir, "data/y.txt")))
    }))

  it.effect("commitMetadata with a path records what is stored under it; without a metadata provider it does nothing", () =>
    Effect.gen(function*() {
      const { client, dir } = yield* setup()
      mkdirSync(join(dir, "data/drop/deep"), { recursive: true })
      writeFileSync(join(dir, "data/drop/deep/f.bin"), "123")
      writeFileSync(join(dir, "data/outside.bin"), "4")
      yield* client.commitMetadata("msc://data/drop")
      assert.deepStrictEqual(yield* keysOf(client, "msc://data/"), ["drop/deep/f.bin"])
      assert.strictEqual((yield* client.info("msc://data/drop/deep/f.bin")).contentLength, 3)
      assert.isFalse(yield* client.commitMetadata("msc://plain/"))
      assert.isTrue(yield* client.commitMetadata("msc://data/"))
    }))

  it.effect("autocommit commits every interval_minutes and when the client closes (at_exit)", () =>
    Effect.gen(function*() {
      const { dir } = yield* setup()
      const scope = yield* Scope.make()
      const client = yield* makeStorageClient({ config: configOf(dir), registry: registryWith([fixtureFactory]), cwd: dir })
        .pipe(Scope.provide(scope))
      yield* client.write("msc://auto/first.txt", text("1"))
      assert.deepStrictEqual(yield* keysOf(client, "msc://auto/"), [])
      yield* TestClock.adjust("5 minutes")
      // The commit writes real files: wait (in real time) for it to land.
      for (let i = 0; i < 200 && (yield* keysOf(client, "msc://auto/")).length === 0; i++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
      }
      assert.deepStrictEqual(yield* keysOf(client, "msc://auto/"), ["first.txt"])
      yield* client.write("msc://auto/second.txt", text("2"))
      yield* Scope.close(scope, Exit.void)
      const reopened = yield* makeStorageClient({ config: configOf(dir), registry: registryWith([fixtureFactory]), cwd: dir })
      assert.deepStrictEqual(yield* keysOf(reopened, "msc://auto/"), ["first.txt", "second.txt"])
    }))

  it.effect("storage_provider_profile keeps the manifest in another profile", () =>
    Effect.gen(function*() {
      const { client, dir } = yield* setup()
      yield* client.write("msc://elsewhere/f.txt", text("f"))
      yield* client.commitMetadata("msc://elsewhere")
      assert.deepStrictEqual(yield* keysOf(client, "msc://elsewhere/"), ["f.txt"])
      const versions = yield* keysOf(client, "msc://manifests/m/.msc_manifests/")
      assert.strictEqual(versions.length, 2)
      assert.isTrue(versions.some((key) => key.endsWith("/msc_manifest_index.json")))
      assert.isFalse(existsSync(join(dir, "data/.msc_manifests")))
    }))

  it.effect("a malformed manifest fails the profile's operations with the file and line", () =>
    Effect.gen(function*() {
      const { client, dir } = yield* setup()
      const folder = join(dir, "data/.msc_manifests", VERSION_NEW)
      mkdirSync(join(folder, "parts"), { recursive: true })
      writeFileSync(join(folder, "msc_manifest_index.json"), `{"version": "1", "parts": [{"path": "parts/msc_manifest_part000001.jsonl"}]}`)
      writeFileSync(join(dir, "data", partKey(VERSION_NEW)), [MSC_LINES[0], `{"key": "b", "size_bytes": "big", "last_modified": "2024-09-05T15:45:00Z"}`].join("\n"))
      const error = yield* Effect.flip(Stream.runCollect(client.list("msc://data/")))
      assert.strictEqual(error.reason, "Unsupported")
      assert.strictEqual(error.profile, "data")
      assert.include(error.message, `The metadata provider of profile 'data' cannot be built: The manifest file msc://data/${partKey(VERSION_NEW)} is malformed at line 2: size_bytes: expected number.`)
      // The storage stack itself still works (so a manifest can be generated again).
      assert.deepStrictEqual(yield* keysOf(client, "msc://plain/.msc_manifests/"), [
        `.msc_manifests/${VERSION_NEW}/msc_manifest_index.json`,
        `.msc_manifests/${partKey(VERSION_NEW).slice(".msc_manifests/".length)}`
      ])
    }))

  it.effect("config checks name unknown metadata types and options by JSON path", () =>
    Effect.gen(function*() {
      const config: StorageConfig = {
        profiles: {
          a: { storage_provider: { type: "memory", options: { base_path: "" } }, metadata_provider: { type: "ledger", options: {} } },
          b: {
            storage_provider: { type: "memory", options: { base_path: "" } },
            metadata_provider: manifest({ manifest_pth: "x" })
          }
        },
        pathMapping: []
      }
      const error = yield* Effect.flip(validateProviderOptions(config, registryWith([])))
      assert.include(error.message, "profiles.a.metadata_provider.type: unknown metadata provider type 'ledger' (known types: manifest)")
      assert.include(error.message, "profiles.b.metadata_provider.options")
      assert.include(error.message, "manifest_pth")
    }))
})
