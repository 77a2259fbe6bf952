// MSC manifests: writes are recorded as pending, committed as a new manifest
// version, then listed from the manifest. Run with: node examples/manifest.ts
// (in your own project, import from "strata" instead of "../src/index.ts").
import { Effect, Stream } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ProviderRegistryDefault, StorageClient, StorageClientLive } from "../src/index.ts"

const root = mkdtempSync(join(tmpdir(), "strata-manifest-"))
const config = {
  profiles: {
    photos: {
      storage_provider: { type: "file", options: { base_path: root } },
      metadata_provider: { type: "manifest", options: { manifest_path: ".msc_manifests", writable: true } }
    }
  },
  pathMapping: []
}

const program = Effect.gen(function*() {
  const client = yield* StorageClient.StorageClient
  yield* client.write("msc://photos/2026/cat.jpg", new TextEncoder().encode("meow"), { metadata: { label: "cat" } })
  const pending = yield* Stream.runCount(client.list("msc://photos/")) // 0: not committed yet
  yield* client.commitMetadata("msc://photos") // writes .msc_manifests/<UTC second>/msc_manifest_index.json + parts/
  const listed = yield* Stream.runCollect(client.list("msc://photos/")) // answered from the manifest
  return [`before commit: ${pending} files`, ...listed.map((f) => `${f.url} ${f.contentLength} bytes, label=${f.metadata?.["label"]}`)]
})

program.pipe(
  Effect.provide(StorageClientLive.layer(config)),
  Effect.provide(ProviderRegistryDefault.layer),
  Effect.runPromise
).then((lines) => console.log(lines.join("\n")))
