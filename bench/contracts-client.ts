/**
 * The ingest benchmark's client, in its own process so that its CPU is not
 * counted against the server: `node bench/contracts-client.ts PORT`, prints
 * `ready`, sends every batch when it reads a line on stdin, prints `done`.
 *
 * @since 0.1.0
 */
import { createInterface } from "node:readline"
import { BATCH, BATCHES, ingestBodies, KEY } from "./contracts-data.ts"

const port = Number(process.argv[2])
const bodies = ingestBodies()
const lines = createInterface({ input: process.stdin })
console.log("ready")
for await (const _ of lines) {
  for (const body of bodies) {
    const response = await fetch(`http://127.0.0.1:${port}/v1/ingest/orders`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/x-ndjson" },
      body
    })
    const result = await response.json() as { total: number }
    if (result.total !== BATCH) throw new Error(`unexpected response ${response.status}: ${JSON.stringify(result).slice(0, 200)}`)
  }
  console.log(`done ${BATCH * BATCHES}`)
}
