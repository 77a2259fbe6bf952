import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Manifest from "../../../src/providers/metadata/manifest.ts"
import * as Memory from "../../../src/providers/storage/memory.ts"
import type { MetadataProviderShape } from "../../../src/services/MetadataProvider.ts"
import type { StorageProviderShape } from "../../../src/services/StorageProvider.ts"
import { testMetadataProvider } from "../../../src/testing/MetadataProviderSuite.ts"
import { indexKey, MSC_LINES, partKey, VERSION_NEW, writeFixture } from "./mscManifestFixture.ts"

const at = (storage: StorageProviderShape) => ({ storage, urlOf: (key: string) => `msc://data/${key}` })

const keys = (stream: Stream.Stream<{ readonly key: string }, unknown>) =>
  Effect.map(Stream.runCollect(stream), (entries) => entries.map((entry) => entry.key))

const symlinkLine = (key: string, target: string) =>
  `{"key": "${key}", "last_modified": "2024-09-05T15:45:00.000000Z", "type": "file", "symlink_target": "${target}", "physical_path": "${key}", "size_bytes": 0}`

const setup = (options: Partial<Manifest.ManifestOptions> = {}) =>
  Effect.gen(function*() {
    const storage = yield* Memory.make()
    yield* writeFixture(storage)
    const manifest = yield* Manifest.make(at(storage), { manifestPath: ".msc_manifests", ...options })
    return { storage, manifest }
  })

testMetadataProvider(
  "manifest over memory",
  Effect.flatMap(Memory.make(), (storage) => Manifest.make(at(storage), { manifestPath: "", writable: true }))
)

// The suite again, every commit checked by reading the written files back.
const persisted = (manifest: MetadataProviderShape): Effect.Effect<ReadonlyArray<unknown>, unknown> =>
  Effect.map(Stream.runCollect(manifest.list()), (entries) => entries.map((e) => [e.key, e.contentLength, e.lastModified.getTime(), e.metadata]))

testMetadataProvider(
  "manifest, read back after every commit",
  Effect.gen(function*() {
    const storage = yield* Memory.make()
    const manifest = yield* Manifest.make(at(storage), { manifestPath: "", writable: true })
    const readBack = Effect.gen(function*() {
      const fresh = yield* Manifest.make(at(storage), { manifestPath: "" })
      const [written, held] = [yield* persisted(fresh), yield* persisted(manifest)]
      if (JSON.stringify(written) !== JSON.stringify(held)) {
        return yield* Effect.die(`the files say ${JSON.stringify(written)}, the provider ${JSON.stringify(held)}`)
      }
    }).pipe(Effect.orDie)
    return { ...manifest, commit: Effect.andThen(manifest.commit, readBack) }
  })
)

describe("manifest metadata provider", () => {
  it.effect("loads the newest version and lists it in S3 order, with S3 listing options", () =>
    Effect.gen(function*() {
      const { manifest } = yield* setup()
      assert.deepStrictEqual(yield* keys(manifest.list()), [
        "train/cat-001.jpg",
        "train/cat-002.jpg",
        "train/latest.jpg",
        "val/café.jpg"
      ])
      assert.deepStrictEqual(yield* keys(manifest.list({ prefix: "train/", startAfter: "train/cat-001.jpg", endAt: "train/cat-002.jpg" })), [
        "train/cat-002.jpg"
      ])
      const level = yield* Stream.runCollect(manifest.list({ prefix: "", includeDirectories: true }))
      assert.deepStrictEqual(level.map((e) => [e.key, e.type]), [["train", "directory"], ["val", "directory"]])
      // A directory is dated by its newest record, as in MSC.
      assert.strictEqual(level[0]!.lastModified.toISOString(), "2024-09-05T15:47:00.000Z")
    }))

  it.effect("finds the manifest from the index file, its folder, or the root above .msc_manifests", () =>
    Effect.gen(function*() {
      const storage = yield* Memory.make()
      yield* writeFixture(storage)
      for (const manifestPath of [indexKey(VERSION_NEW), `.msc_manifests/${VERSION_NEW}`, "", "/.msc_manifests/"]) {
        const manifest = yield* Manifest.make(at(storage), { manifestPath })
        assert.strictEqual((yield* keys(manifest.list())).length, 4, manifestPath)
      }
      const empty = yield* Manifest.make(at(storage), { manifestPath: "elsewhere", writable: true })
      assert.deepStrictEqual(yield* keys(empty.list()), [])
      const missing = yield* Effect.flip(Manifest.make(at(storage), { manifestPath: "elsewhere" }))
      assert.strictEqual(missing._tag === "StorageError" && missing.reason, "NotFound")
      assert.include(missing.message, "No manifest at msc://data/elsewhere (no msc_manifest_index.json there")
    }))

  it.effect("info gives files and directory records from the manifest alone", () =>
    Effect.gen(function*() {
      const { manifest } = yield* setup()
      const file = yield* manifest.info("train/cat-002.jpg")
      assert.strictEqual(file.contentLength, 2097152)
      assert.deepStrictEqual(file.metadata, { label: "cat", score: "0.5" })
      assert.strictEqual((yield* manifest.info("train")).key, "train/")
      assert.strictEqual((yield* manifest.info("train/")).type, "directory")
      const missing = yield* Effect.flip(manifest.info("train/untracked.jpg"))
      assert.strictEqual(missing._tag === "StorageError" && missing.reason, "NotFound")
    }))

  it.effect("realpath maps virtual paths to physical keys and follows symlink records", () =>
    Effect.gen(function*() {
      const { manifest } = yield* setup()
      assert.deepStrictEqual(yield* manifest.realpath("train/cat-002.jpg"), { physicalPath: "blobs/7f3a", state: "exists" })
      assert.deepStrictEqual(yield* manifest.realpath("train/latest.jpg"), { physicalPath: "blobs/7f3a", state: "exists" })
      assert.deepStrictEqual(yield* manifest.realpath("train/untracked.jpg"), {
        physicalPath: "train/untracked.jpg",
        state: "untracked"
      })
    }))

  it.effect("symlink loops fail with a sentence", () =>
    Effect.gen(function*() {
      const storage = yield* Memory.make()
      yield* storage.put("m/msc_manifest_index.json", new TextEncoder().encode(`{"version": "1", "parts": [{"path": "p.jsonl"}]}`))
      yield* storage.put("m/p.jsonl", new TextEncoder().encode([symlinkLine("a", "b"), symlinkLine("b", "a")].join("\n")))
      const manifest = yield* Manifest.make(at(storage), { manifestPath: "m" })
      const error = yield* Effect.flip(manifest.realpath("a"))
      assert.strictEqual(error.reason, "InvalidPath")
      assert.include(error.message, "symlinks loop")
    }))

  it.effect("adds and removes stay pending until commit, which writes a new MSC version", () =>
    Effect.gen(function*() {
      const { manifest, storage } = yield* setup({ writable: true })
      const record = { key: "new/x.bin", contentLength: 5, lastModified: new Date("2026-01-02T03:04:05.678Z"), type: "file" as const }
      yield* manifest.add("new/x.bin", record)
      yield* manifest.remove("train/cat-001.jpg")
      assert.deepStrictEqual((yield* keys(manifest.list())).length, 4)
      assert.strictEqual((yield* Effect.flip(manifest.info("new/x.bin"))).reason, "NotFound")
      assert.strictEqual((yield* manifest.info("new/x.bin", { includePending: true })).contentLength, 5)
      assert.strictEqual((yield* Effect.flip(manifest.info("train/cat-001.jpg", { includePending: true }))).reason, "NotFound")
      assert.strictEqual((yield* manifest.realpath("new/x.bin")).state, "untracked")

      yield* manifest.commit
      const after = ["new/x.bin", "train/cat-002.jpg", "train/latest.jpg", "val/café.jpg"]
      assert.deepStrictEqual(yield* keys(manifest.list()), after)
      // A fresh reader finds the new version, and the unchanged lines are MSC's own bytes.
      const reread = yield* Manifest.make(at(storage), { manifestPath: ".msc_manifests" })
      assert.deepStrictEqual(yield* keys(reread.list()), after)
      const versions = yield* keys(storage.list({ prefix: ".msc_manifests/", includeDirectories: true }))
      assert.strictEqual(versions.length, 3)
      const newest = versions.toSorted().at(-1)!
      assert.match(newest, /^\.msc_manifests\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/)
      const part = new TextDecoder().decode(yield* storage.getBytes(`${newest}/parts/msc_manifest_part000001.jsonl`))
      assert.deepStrictEqual(part.split("\n"), [
        `{"key": "new/x.bin", "last_modified": "2026-01-02T03:04:05.678000Z", "type": "file", "physical_path": "new/x.bin", "size_bytes": 5}`,
        ...MSC_LINES.slice(1)
      ])
      assert.isTrue(newest > `.msc_manifests/${VERSION_NEW}`)
    }))

  it.effect("read-only manifests refuse changes; committed paths refuse overwrites unless allowed", () =>
    Effect.gen(function*() {
      const record = { key: "train/cat-001.jpg", contentLength: 1, lastModified: new Date(0), type: "file" as const }
      const readOnly = (yield* setup()).manifest
      const refused = yield* Effect.flip(readOnly.add("a", record))
      assert.strictEqual(refused.reason, "Unsupported")
      assert.include(refused.message, "read-only (set writable: true")
      const noOverwrite = (yield* setup({ writable: true })).manifest
      assert.strictEqual((yield* Effect.flip(noOverwrite.add("train/cat-001.jpg", record))).reason, "AlreadyExists")
      assert.strictEqual((yield* Effect.flip(noOverwrite.remove("nowhere"))).reason, "NotFound")
      const overwrite = (yield* setup({ writable: true, allowOverwrites: true })).manifest
      yield* overwrite.add("train/cat-001.jpg", record)
      yield* overwrite.commit
      assert.strictEqual((yield* overwrite.info("train/cat-001.jpg")).contentLength, 1)
    }))

  it.effect("a malformed part fails the load, naming the file and line", () =>
    Effect.gen(function*() {
      const storage = yield* Memory.make()
      yield* writeFixture(storage)
      yield* storage.put(partKey(VERSION_NEW), new TextEncoder().encode([MSC_LINES[0], "{oops"].join("\n")))
      const error = yield* Effect.flip(Manifest.make(at(storage), { manifestPath: ".msc_manifests" }))
      assert.strictEqual(error._tag, "ConfigError")
      assert.include(error.message, `The manifest file msc://data/${partKey(VERSION_NEW)} is malformed at line 2: not valid JSON`)
    }))
})
