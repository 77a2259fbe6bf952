// Azure Blob storage through a config profile. Against Azurite:
//   npx azurite-blob --inMemoryPersistence --skipApiVersionCheck &
//   AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true" node examples/azure-blob.ts
import { BlobServiceClient } from "@azure/storage-blob"
import { Effect, Layer, Stream } from "effect"
import { ProviderRegistryDefault, StorageClient, StorageClientLive } from "../src/index.ts"

const connection = process.env["AZURE_STORAGE_CONNECTION_STRING"] ?? "UseDevelopmentStorage=true"
// strata does not create containers (MSC does not either); the demo makes its own.
await BlobServiceClient.fromConnectionString(connection).getContainerClient("strata-example").createIfNotExists()

const program = Effect.gen(function*() {
  const client = yield* StorageClient.StorageClient
  yield* client.write("msc://blobs/hello.txt", new TextEncoder().encode("hello, blob"))
  yield* client.copy("msc://blobs/hello.txt", "msc://blobs/copies/hello.txt")
  const text = new TextDecoder().decode(yield* client.read("msc://blobs/copies/hello.txt"))
  const listed = yield* Stream.runCollect(client.list("msc://blobs/"))
  return [text, ...listed.map((file) => `${file.url} ${file.contentLength}`)]
})

const Storage = StorageClientLive.layerFromConfig({
  file: new URL("azure-blob.yaml", import.meta.url).pathname,
  env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: connection }
}).pipe(Layer.provide(ProviderRegistryDefault.layer))
program.pipe(Effect.provide(Storage), Effect.runPromise).then((lines) => console.log(lines.join("\n")))
