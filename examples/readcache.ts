// The read cache and retries, configured by examples/readcache.yaml. Run with: node examples/readcache.ts
// (in your own project, import from "strata" instead of "../src/index.ts").
import { Effect, Layer } from "effect"
import { readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { ProviderRegistryDefault, StorageClient, StorageStack } from "../src/index.ts"

const program = Effect.gen(function*() {
  const client = yield* StorageClient.StorageClient
  yield* client.write("msc://remote/model.bin", new Uint8Array(4 * 1024 * 1024).fill(7))
  const whole = yield* client.read("msc://remote/model.bin") // downloaded once, kept on disk
  const part = yield* client.read("msc://remote/model.bin", { range: { offset: 1024, length: 16 } }) // from disk
  const entries = readdirSync("/tmp/strata-example-cache/strata/remote", { recursive: true })
    .filter((name) => /[0-9a-f]{64}$/.test(String(name)))
  return `read ${whole.length} bytes, then ${part.length}; ${entries.length} cache entry`
})

// StorageStack.layerFromConfig: every profile gets retries, and the read cache where caching_enabled is set.
const config = fileURLToPath(new URL("readcache.yaml", import.meta.url))
const Storage = StorageStack.layerFromConfig({ file: config, env: process.env }).pipe(
  Layer.provide(ProviderRegistryDefault.layer)
)
program.pipe(Effect.provide(Storage), Effect.runPromise).then(console.log)
