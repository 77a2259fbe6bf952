// The s3 provider from an MSC config file. Run against any S3-compatible endpoint:
//   S3_ENDPOINT=http://127.0.0.1:4568 S3_BUCKET=my-bucket S3_ACCESS_KEY=... S3_SECRET_KEY=... node examples/s3.ts
// (in your own project, import from "strata" instead of "../src/index.ts").
import { Effect, Layer, Stream } from "effect"
import { fileURLToPath } from "node:url"
import { ProviderRegistryDefault, StorageClient, StorageClientLive } from "../src/index.ts"

const program = Effect.gen(function*() {
  const client = yield* StorageClient.StorageClient
  yield* client.write("msc://lake/reports/2026-11.csv", new TextEncoder().encode("month,total\n2026-11,42\n"))
  // A stream body: longer than multipart_threshold, it would go up in parts.
  yield* client.write("msc://lake/reports/big.bin", Stream.make(new Uint8Array(1024), new Uint8Array(1024)))
  const report = new TextDecoder().decode(yield* client.read("msc://lake/reports/2026-11.csv"))
  const listed = yield* Stream.runCollect(client.list("msc://lake/reports"))
  return [report.split("\n")[1], ...listed.map((file) => `${file.url} ${file.contentLength}`)]
})

const config = fileURLToPath(new URL("s3.yaml", import.meta.url))
const Storage = StorageClientLive.layerFromConfig({ file: config, env: process.env }).pipe(
  Layer.provide(ProviderRegistryDefault.layer)
)

program.pipe(Effect.provide(Storage), Effect.runPromise).then((lines) => console.log(lines.join("\n")))
