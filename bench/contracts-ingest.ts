/**
 * Gateway NDJSON ingest throughput, parse included, on one core: the
 * gateway runs in this process, the client (`contracts-client.ts`) in
 * another, so that only the server's CPU is counted. Batches of 1,000 order events
 * (9 in 10 valid) go one after another over keep-alive HTTP on 127.0.0.1 to
 * `POST /v1/ingest/orders`; each is authenticated, rate limited, parsed,
 * validated, transformed, answered with per-event results, and its accepted,
 * quarantined and audit rows are written through StorageClient: once to a
 * memory profile, once to a local directory on tmpfs.
 *
 * Baselines: ContractGate's published 86,000 events/s per core (a constant,
 * the target), and, measured in the same run, a bare `node:http` server that
 * only `JSON.parse`s each line and answers a count (the floor: what parsing
 * and HTTP alone cost). Rates are events per CPU-second of this process
 * (`clock: "cpu"`: user + system, GC threads included): what one core
 * achieves, even when the machine is shared with other jobs. The client is
 * the same for both sides. What is measured is a running gateway's
 * sustained rate: 6 untimed runs of each side first (a fresh gateway's first
 * runs of 40 batches go from ~50,000 to its sustained rate over about six
 * of them: JIT tiers, heap sizing, the buffer pool), then 9 samples per
 * side, back to back, without the harness's forced full collection before
 * each (`collectBetween: false`: it shrinks the young generation and costs
 * the next sample a transient no running gateway has).
 *
 * @since 0.1.0
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { spawn } from "node:child_process"
import { defaultRegistry } from "../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../src/layers/StorageClientLive.ts"
import { hashApiKey } from "../src/programs/gateway/auth.ts"
import { gatewayLayer } from "../src/programs/gateway/server.ts"
import { BATCH, BATCHES, CONTRACT_YAML, KEY } from "./contracts-data.ts"
import { compare } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"
import type { ChildProcessByStdio } from "node:child_process"
import type { Readable, Writable } from "node:stream"
import { createInterface } from "node:readline"

const PUBLISHED = 86_000
/** Untimed runs of 40 batches per side first: a fresh gateway takes ~6 of them to reach its sustained rate (it starts near 50,000). */
const WARMUPS = 6
const CLIENT = fileURLToPath(new URL("./contracts-client.ts", import.meta.url))

const gatewayDir = (storage: string) => {
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-gateway-"))
  writeFileSync(join(dir, "orders.yaml"), CONTRACT_YAML)
  writeFileSync(join(dir, "gateway.yaml"), `storage: ${storage}
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
const startGateway = async (storage: string) => {
  const dir = gatewayDir(storage)
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

/** A side whose timed body has the client process send every batch to `port`. */
const clientSide = (port: number): Side => {
  let child: ChildProcessByStdio<Writable, Readable, null> | undefined
  let lines: AsyncIterator<string> | undefined
  const next = async (expected: string) => {
    const line = await lines!.next()
    if (line.done === true || !String(line.value).startsWith(expected)) throw new Error(`client said ${String(line.value)}`)
  }
  return {
    prepare: async () => {
      const started = spawn(process.execPath, [CLIENT, String(port)], { stdio: ["pipe", "pipe", "inherit"] })
      child = started
      lines = createInterface({ input: started.stdout })[Symbol.asyncIterator]()
      await next("ready")
      return async () => {
        child!.stdin.write("go\n")
        await next("done")
      }
    },
    cleanup: async () => {
      const exited = new Promise((resolve) => child!.once("exit", resolve))
      child!.stdin.end()
      await exited
    }
  }
}

/** Where the gateway stores: a memory profile (every stored byte stays in this process's heap), and a local directory on tmpfs (or the temp dir). */
const storages = () => {
  const local = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "strata-bench-gateway-data-"))
  return [{ label: "memory profile", storage: "msc://mem/gateway", cleanup: () => {} }, {
    label: "local dir on tmpfs",
    storage: local,
    cleanup: () => rmSync(local, { recursive: true, force: true })
  }]
}

export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const results: Array<BenchResult> = []
  for (const { cleanup, label, storage } of storages()) {
    const gateway = await startGateway(storage)
    const bare = await startBare()
    try {
      const name = `gateway NDJSON ingest, ${BATCH}-event batches, 1 core, ${label}`
      const measured = await compare({
        name,
        baseline: "node:http + JSON.parse per line only",
        ops: BATCH * BATCHES,
        ours: clientSide(gateway.port),
        base: clientSide(bare.port),
        repeats: 9,
        clock: "cpu",
        // A running server's sustained rate: past its start-up (JIT tiers, heap sizing, buffer pool), and with no forced
        // full collection before each sample (see harness.ts).
        warmups: WARMUPS,
        collectBetween: false
      })
      results.push(measured, {
        name,
        baseline: "ContractGate published 86,000 events/s/core",
        ours: measured.ours,
        base: PUBLISHED,
        ratio: measured.ours / PUBLISHED,
        target: 1.0,
        samples: { ours: measured.samples.ours, base: [] }
      })
    } finally {
      await gateway.stop()
      await bare.stop()
      cleanup()
    }
  }
  return results
}
