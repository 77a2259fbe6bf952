/**
 * The Azure Blob provider against the raw `@azure/storage-blob` client doing
 * the same work, in the same run, on the same Azurite (started here on a free
 * port, in memory, as the tests do: test/support/azuriteServer.ts).
 *
 * - put: 256 objects of 1 MiB at concurrency 16: `provider.put(key, bytes)`
 *   (key validation, one Put Blob, metadata record) vs
 *   `blockBlobClient.upload(bytes, size)`.
 * - getBytes: the same 256 objects: `provider.getBytes(key)` (a streamed
 *   download collected into one buffer) vs `blockBlobClient.download()` with
 *   its body read into one `Buffer.concat`.
 *
 * Our side runs as a program would: `Effect.forEach(keys, op, { concurrency
 * })` under `Effect.runPromise`; the raw side is a promise pool of the same
 * concurrency on a client built from the same connection string (SDK
 * defaults). Both sides overwrite the same keys each run, so Azurite's memory
 * stays at one copy of the data.
 *
 * @since 0.1.0
 */
import { BlobServiceClient } from "@azure/storage-blob"
import { Effect, Schema } from "effect"
import * as Azure from "../src/providers/storage/azure.ts"
import { azuriteInstalled, notFoundMessage, startAzurite } from "../test/support/azuriteServer.ts"
import { compare, pool } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

const COUNT = 256
const SIZE = 1024 * 1024
const CONCURRENCY = 16
const REPEATS = 5
const TARGET = 0.8
const keys = Array.from({ length: COUNT }, (_, i) => `bench/object-${String(i).padStart(3, "0")}.bin`)
const payload = new Uint8Array(SIZE).map((_, i) => (i * 31) & 0xff)

const runEach = (op: (key: string) => Effect.Effect<unknown, unknown>) =>
  Effect.runPromise(Effect.forEach(keys, op, { concurrency: CONCURRENCY, discard: true }))

const readAll = async (body: NodeJS.ReadableStream | undefined): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  if (body !== undefined) for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  if (!azuriteInstalled) {
    console.log(`storage-azure: skipped, ${notFoundMessage}`)
    return []
  }
  const server = await startAzurite()
  try {
    const container = BlobServiceClient.fromConnectionString(server.connectionString).getContainerClient("bench")
    await container.create()
    const options = await Effect.runPromise(
      Schema.decodeUnknownEffect(Azure.factory.options)({ base_path: "bench", connection_string: server.connectionString })
    )
    const provider = await Effect.runPromise(Azure.make(options, { profile: "bench" }))
    const results: Array<BenchResult> = []
    results.push(
      await compare({
        name: `azure put ${COUNT} x 1 MiB, c=${CONCURRENCY}`,
        baseline: "BlockBlobClient.upload",
        ops: COUNT,
        repeats: REPEATS,
        target: TARGET,
        ours: { prepare: async () => () => runEach((key) => provider.put(key, payload)) },
        base: {
          prepare: async () => () => pool(COUNT, CONCURRENCY, (i) => container.getBlockBlobClient(keys[i]!).upload(payload, SIZE))
        }
      })
    )
    const check = await Effect.runPromise(provider.getBytes(keys[0]!))
    if (check.byteLength !== SIZE) throw new Error(`expected ${SIZE} bytes, got ${check.byteLength}`)
    results.push(
      await compare({
        name: `azure getBytes ${COUNT} x 1 MiB, c=${CONCURRENCY}`,
        baseline: "BlockBlobClient.download + read body",
        ops: COUNT,
        repeats: REPEATS,
        target: TARGET,
        ours: { prepare: async () => () => runEach((key) => provider.getBytes(key)) },
        base: {
          prepare: async () => () =>
            pool(COUNT, CONCURRENCY, async (i) => {
              const bytes = await readAll((await container.getBlockBlobClient(keys[i]!).download()).readableStreamBody)
              if (bytes.byteLength !== SIZE) throw new Error(`short read of ${keys[i]!}`)
            })
        }
      })
    )
    return results
  } finally {
    await server.stop()
  }
}
