/**
 * The remote Cache against raw grpc-js on the same socket, in the same run:
 * one provider process (`strata plugin serve` with the memory cache),
 * launched by our host.
 *
 * - get round trip (key present, 256-byte value): `cache.get(key)` through
 *   the layer a program uses (`Remote.cache`: the host's channel, a client
 *   span per call, traceparent metadata, key check, CacheError mapping) vs
 *   `client.makeUnaryRequest` on a raw grpc-js client with the same
 *   protobuf-es messages; 2,000 calls per run, at concurrency 1 and 16, in
 *   wall time (the target) and in the bench process's CPU time (the client
 *   side alone).
 * - start to ready: `launch` (spawn, socket, handshake) of the provider via
 *   the lightweight entry (src/programs/plugin/main.ts) and via
 *   `strata plugin serve`, vs spawning a bare grpc-js server process and
 *   waiting for its socket to accept a connection. Reported as starts/s.
 *
 * @since 0.1.0
 */
import * as grpc from "@grpc/grpc-js"
import { Effect, Exit, Scope } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { makeClient, waitForReady } from "../src/protocol/client/channel.ts"
import * as RemoteCache from "../src/protocol/client/cache.ts"
import { decode, encode } from "../src/protocol/codecs/wire.ts"
import { CacheGetRequestSchema, CacheGetResponseSchema } from "../src/protocol/gen/gestalt/provider/v1/cache_pb.ts"
import type { CacheGetResponse } from "../src/protocol/gen/gestalt/provider/v1/cache_pb.ts"
import { launch } from "../src/programs/plugin/host.ts"
import { compare, pool } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

const CALLS = 2_000
const VALUE_BYTES = 256
const REPEATS = 7
const TARGET = 0.85
const at = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const MODULE = at("../test/programs/plugin/fixtures/memoryCache.ts")
const CLI = at("../src/programs/cli/main.ts")
const LIGHT = at("../src/programs/plugin/main.ts")
const RAW = at("./support/rawGrpcProvider.ts")

const launchOnce = async (args: ReadonlyArray<string>): Promise<void> => {
  const scope = await Effect.runPromise(Scope.make())
  try {
    await Effect.runPromise(
      launch({ kind: "cache", name: "memory", command: process.execPath, args, maxRestarts: 0 }).pipe(Scope.provide(scope))
    )
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const rawStartOnce = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), "gstp-"))
  const socket = join(dir, "plugin.sock")
  const child = spawn(process.execPath, [RAW], { env: { ...process.env, GESTALT_PLUGIN_SOCKET: socket }, stdio: "inherit" })
  try {
    while (!existsSync(socket)) await new Promise((resolve) => setTimeout(resolve, 25))
    const client = makeClient(socket)
    await Effect.runPromise(waitForReady(client, socket, 45_000))
    client.close()
  } finally {
    await new Promise((resolve) => {
      child.once("exit", resolve)
      child.kill("SIGTERM")
    })
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const scope = await Effect.runPromise(Scope.make())
  const results: Array<BenchResult> = []
  try {
    const provider = await Effect.runPromise(
      launch({ kind: "cache", name: "memory", command: process.execPath, args: [LIGHT, MODULE] }).pipe(Scope.provide(scope))
    )
    const cache = RemoteCache.make(provider.channel)
    const key = "bench:key"
    await Effect.runPromise(cache.set(key, new Uint8Array(VALUE_BYTES).map((_, i) => i & 0xff)))
    const raw = makeClient(provider.channel.target)
    const rawGet = () =>
      new Promise<CacheGetResponse>((resolve, reject) => {
        raw.makeUnaryRequest(
          "/gestalt.provider.v1.Cache/Get",
          (request: { key: string }) => encode(CacheGetRequestSchema, request),
          (bytes: Buffer) => decode(CacheGetResponseSchema, bytes),
          { key },
          new grpc.Metadata(),
          { deadline: Date.now() + 30_000 },
          (error, response) => (error === null ? resolve(response!) : reject(error))
        )
      })
    const check = await rawGet()
    if (!check.found || check.value.byteLength !== VALUE_BYTES) throw new Error("the raw client does not see the value")
    // Wall time is the target; the bench process's CPU time (client side only: the provider is another process)
    // is also reported, since on a shared machine wall time mostly measures the other jobs.
    for (const [concurrency, clock] of [[1, "wall"], [16, "wall"], [1, "cpu"], [16, "cpu"]] as const) {
      results.push(
        await compare({
          name: `remote cache get ${VALUE_BYTES} B, c=${concurrency}${clock === "cpu" ? ", client CPU time" : ""}`,
          clock,
          baseline: "raw grpc-js makeUnaryRequest",
          ops: CALLS,
          repeats: REPEATS,
          ...(clock === "wall" ? { target: TARGET } : {}),
          ours: {
            prepare: async () => () =>
              Effect.runPromise(
                Effect.forEach(Array.from({ length: CALLS }, (_, i) => i), () => cache.get(key), {
                  concurrency,
                  discard: true
                })
              )
          },
          base: { prepare: async () => () => pool(CALLS, concurrency, rawGet) }
        })
      )
    }
    raw.close()
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
  for (const [label, args] of [["plugin/main.ts", [LIGHT, MODULE]], ["strata plugin serve", [CLI, "plugin", "serve", MODULE]]] as const) {
    results.push(
      await compare({
        name: `provider start to ready (${label})`,
        baseline: "bare grpc-js server process",
        ops: 1,
        repeats: 3,
        ours: { prepare: async () => () => launchOnce(args) },
        base: { prepare: async () => rawStartOnce }
      })
    )
  }
  return results
}
