/**
 * Gateway NDJSON ingest throughput, parse included, on one core: the
 * gateway and the client sending to it share one Node thread (so the
 * client's cost is counted against us too). Batches of 1,000 order events
 * (9 in 10 valid) go one after another over keep-alive HTTP on 127.0.0.1 to
 * `POST /v1/ingest/orders`; each is authenticated, rate limited, parsed,
 * validated, transformed, answered with per-event results, and its accepted,
 * quarantined and audit rows are written to a memory storage profile.
 *
 * Baselines: ContractGate's published 86,000 events/s per core (a constant,
 * the target), and, measured in the same run, a bare `node:http` server that
 * only `JSON.parse`s each line and answers a count (the floor: what parsing
 * and HTTP alone cost). Against the constant, two rows: wall-clock events/s,
 * and events per CPU-second used by this process (`process.cpuUsage`, user +
 * system, GC threads included), which is what one core achieves even when
 * the machine is shared with other jobs.
 *
 * @since 0.1.0
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRegistry } from "../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../src/layers/StorageClientLive.ts"
import { hashApiKey } from "../src/programs/gateway/auth.ts"
import { gatewayLayer } from "../src/programs/gateway/server.ts"
import { CONTRACT_YAML, eventAt } from "./contracts-data.ts"
import { compare, median } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

const BATCH = 1000
const BATCHES = 40
const PUBLISHED = 86_000
const KEY = "cg_live_bench_key"

const bodies = Array.from({ length: BATCHES }, (_, b) =>
  Array.from({ length: BATCH }, (_, i) => JSON.stringify(eventAt(b * BATCH + i))).join("\n") + "\n")

const gatewayDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-gateway-"))
  writeFileSync(join(dir, "orders.yaml"), CONTRACT_YAML)
  writeFileSync(join(dir, "gateway.yaml"), `storage: msc://mem/gateway
rate_limit: {requests_per_second: 100000, burst: 100000}
contracts:
  - id: orders
    versions: [{file: orders.yaml, state: stable}]
api_keys:
  - {name: bench, sha256: ${hashApiKey(Redacted.make(KEY))}}
`)
  return dir
}

/** Starts the gateway; returns its port and a way to stop it. */
const startGateway = async () => {
  const dir = gatewayDir()
  const scope = await Effect.runPromise(Scope.make())
  const routes = Layer.unwrap(Effect.gen(function*() {
    const client = yield* makeStorageClient({
      config: { profiles: { mem: { storage_provider: { type: "memory", options: { base_path: "" } } } }, pathMapping: [] } as never,
      registry: defaultRegistry,
      cwd: dir
    })
    return gatewayLayer({ configFile: join(dir, "gateway.yaml"), env: {}, client })
  }))
  const server = HttpRouter.serve(routes, { disableListenLog: true, disableLogger: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )
  const context = await Effect.runPromise(Layer.buildWithScope(server, scope))
  const address = Context.get(context, HttpServer.HttpServer).address
  const port = address._tag === "InetAddressV4" || address._tag === "InetAddressV6" ? address.port : 0
  return { port, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

/** The floor: node:http, JSON.parse of every line, a count back. */
const startBare = async () => {
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      let count = 0
      for (const line of Buffer.concat(chunks).toString("utf8").split("\n")) if (line !== "" && JSON.parse(line) !== null) count++
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ total: count }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const send = async (port: number) => {
  for (const body of bodies) {
    const response = await fetch(`http://127.0.0.1:${port}/v1/ingest/orders`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/x-ndjson" },
      body
    })
    const result = await response.json() as { total: number }
    if (result.total !== BATCH) throw new Error(`unexpected response ${response.status}: ${JSON.stringify(result).slice(0, 200)}`)
  }
}

export const ingestBench = async (): Promise<ReadonlyArray<BenchResult>> => {
  const gateway = await startGateway()
  const bare = await startBare()
  try {
    const cpuRates: Array<number> = []
    const measured = await compare({
      name: `gateway NDJSON ingest, ${BATCH}-event batches, 1 core`,
      baseline: "node:http + JSON.parse per line only",
      ops: BATCH * BATCHES,
      ours: {
        prepare: async () => async () => {
          const before = process.cpuUsage()
          await send(gateway.port)
          const used = process.cpuUsage(before)
          cpuRates.push((BATCH * BATCHES) / ((used.user + used.system) / 1e6))
        }
      },
      base: { prepare: async () => () => send(bare.port) },
      repeats: 5
    })
    const wall = median(measured.samples.ours)
    const cpu = median(cpuRates.slice(1)) // the first run is the warm-up
    const published = (name: string, ours: number, samples: ReadonlyArray<number>): BenchResult => ({
      name,
      baseline: "ContractGate published 86,000 events/s/core",
      ours,
      base: PUBLISHED,
      ratio: ours / PUBLISHED,
      target: 1.0,
      samples: { ours: samples, base: [] }
    })
    return [
      measured,
      published(`gateway NDJSON ingest, ${BATCH}-event batches, wall clock`, wall, measured.samples.ours),
      // Events per CPU-second of this process (gateway and client on one thread): what one core does,
      // whatever else the machine runs meanwhile.
      published(`gateway NDJSON ingest, ${BATCH}-event batches, per CPU-second`, cpu, cpuRates.slice(1))
    ]
  } finally {
    await gateway.stop()
    await bare.stop()
  }
}
