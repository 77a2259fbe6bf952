// Using the storage client from code. Run with: node examples/storage-client.ts
// (in your own project, import from "strata" instead of "../src/index.ts").
import { Effect, Layer, Stream } from "effect"
import { fileURLToPath } from "node:url"
import { ProviderRegistryDefault, StorageClient, StorageClientLive } from "../src/index.ts"

const program = Effect.gen(function*() {
  const client = yield* StorageClient.StorageClient
  yield* client.write("msc://mem/greeting.txt", new TextEncoder().encode("hello"))
  yield* client.copy("msc://mem/greeting.txt", "msc://scratch/greeting.txt")
  const files = yield* Stream.runCollect(client.list("msc://samples/events"))
  return files.map((file) => `${file.url} ${file.contentLength}`)
})

const config = fileURLToPath(new URL("strata.yaml", import.meta.url))
const Storage = StorageClientLive.layerFromConfig({ file: config, env: process.env }).pipe(
  Layer.provide(ProviderRegistryDefault.layer)
)

program.pipe(Effect.provide(Storage), Effect.runPromise).then((lines) => console.log(lines.join("\n")))
