// Syncing between profiles from code. Run with: node examples/sync.ts
// (in your own project, import from "strata" instead of "../src/index.ts").
import { Effect, Layer } from "effect"
import { fileURLToPath } from "node:url"
import { ProviderRegistryDefault, StorageClient, StorageClientLive } from "../src/index.ts"

const program = Effect.gen(function*() {
  const client = yield* StorageClient.StorageClient
  const options = { patterns: [{ kind: "exclude", glob: "*.jsonl" }], deleteUnmatched: true } as const
  // Local disk (profile samples) to memory (profile mem), twice: the second run finds everything up to date.
  const first = yield* client.sync("msc://samples/", "msc://mem/copy", options)
  const again = yield* client.sync("msc://samples/", "msc://mem/copy", options)
  return [first, again].map((s) => `copied ${s.copied} (${s.bytes} bytes), skipped ${s.skipped}, deleted ${s.deleted}`)
})

const config = fileURLToPath(new URL("strata.yaml", import.meta.url))
const Storage = StorageClientLive.layerFromConfig({ file: config, env: process.env }).pipe(
  Layer.provide(ProviderRegistryDefault.layer)
)

program.pipe(Effect.provide(Storage), Effect.runPromise).then((lines) => console.log(lines.join("\n")))
