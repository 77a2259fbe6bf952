import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { cpSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { defaultRegistry } from "../../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../../src/layers/StorageClientLive.ts"
import { generateManifest } from "../../../src/providers/metadata/manifestGenerate.ts"
import type { StorageConfig } from "../../../src/services/StorageConfig.ts"
import { toUrl } from "../../../src/services/StorageUrl.ts"
import { scratch } from "../../layers/storageClientHarness.ts"

const SAMPLES = fileURLToPath(new URL("../../../examples/data", import.meta.url))

const configOf = (dir: string): StorageConfig => ({
  profiles: {
    plain: { storage_provider: { type: "file", options: { base_path: join(dir, "data") } } },
    listed: {
      storage_provider: { type: "file", options: { base_path: join(dir, "data") } },
      metadata_provider: { type: "manifest", options: { manifest_path: ".msc_manifests" } }
    }
  },
  pathMapping: []
})

const shape = (entries: ReadonlyArray<{ key: string; contentLength: number; lastModified: Date; etag?: string | undefined }>) =>
  entries.map((e) => [e.key, e.contentLength, e.lastModified.getTime(), e.etag])

describe("manifest generation", () => {
  it.effect("generate -> read: the manifest answers exactly as the store listing does", () =>
    Effect.gen(function*() {
      const dir = scratch()
      cpSync(SAMPLES, join(dir, "data"), { recursive: true })
      const client = yield* makeStorageClient({ config: configOf(dir), registry: defaultRegistry, cwd: dir })
      const direct = yield* Stream.runCollect(client.list("msc://plain/"))
      const seen: Array<string> = []
      const summary = yield* generateManifest({
        source: yield* client.provider("plain"),
        prefix: "",
        destination: { storage: yield* client.provider("plain"), urlOf: (key) => toUrl("plain", key) },
        manifestPath: "",
        onEntry: (entry) => seen.push(entry.key)
      })
      assert.strictEqual(summary.files, 26)
      assert.strictEqual(summary.bytes, direct.reduce((total, entry) => total + entry.contentLength, 0))
      assert.match(summary.index, /^msc:\/\/plain\/\.msc_manifests\/[^/]+\/msc_manifest_index\.json$/)
      assert.deepStrictEqual(seen, direct.map((entry) => entry.key))

      const fromManifest = yield* Stream.runCollect(client.list("msc://listed/"))
      // The manifest's own files are in the store now, but not in the manifest.
      assert.deepStrictEqual(shape(fromManifest), shape(direct))
      assert.deepStrictEqual(
        (yield* client.glob("msc://listed/sensors/*/readings-0*.csv")).map((url) => url.replace("listed", "plain")),
        yield* client.glob("msc://plain/sensors/*/readings-0*.csv")
      )
      assert.deepStrictEqual(
        yield* client.read("msc://listed/notes/données-été.txt"),
        yield* client.read("msc://plain/notes/données-été.txt")
      )

      // A second generation of a prefix leaves the first manifest's files out.
      const again = yield* generateManifest({
        source: yield* client.provider("plain"),
        prefix: "events/",
        destination: { storage: yield* client.provider("plain"), urlOf: (key) => toUrl("plain", key) },
        manifestPath: ".msc_manifests"
      })
      assert.strictEqual(again.files, 7)
    }))
})
