/**
 * The Redis cache against the raw node-redis client doing the same work, in
 * the same run, on the same `redis-server` (started here on a free port, as
 * the tests do: test/support/redisServer.ts).
 *
 * - getMany of 100 keys (256-byte values): `cache.getMany(keys)` vs
 *   `client.mGet(keys)` on a raw client with the same Buffer type mapping;
 *   each timed run makes 2,000 calls, at concurrency 1 and 16. Our side runs
 *   as a program would: `Effect.forEach(..., { concurrency })` under
 *   `Effect.runPromise`, including key validation and the Map of results.
 *
 * @since 0.1.0
 */
import { Effect, Exit, Scope } from "effect"
import { createClient, RESP_TYPES } from "redis"
import * as RedisCache from "../src/providers/cache/redis.ts"
import { redisServerInstalled, startRedisServer, notFoundMessage } from "../test/support/redisServer.ts"
import { compare, pool } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

const KEYS = 100
const CALLS = 2_000
const VALUE_BYTES = 256
const REPEATS = 9
const TARGET = 0.8
const keys = Array.from({ length: KEYS }, (_, i) => `bench:key-${String(i).padStart(3, "0")}`)

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  if (!redisServerInstalled) {
    console.log(`cache-redis: skipped, ${notFoundMessage}`)
    return []
  }
  const server = await startRedisServer()
  const scope = await Effect.runPromise(Scope.make())
  const raw = createClient({ url: server.url, commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } })
  try {
    const cache = await Effect.runPromise(RedisCache.make({ url: server.url }).pipe(Scope.provide(scope)))
    await raw.connect()
    const value = new Uint8Array(VALUE_BYTES).map((_, i) => (i * 7) & 0xff)
    await Effect.runPromise(cache.setMany(keys.map((key) => [key, value] as const)))
    const check = await Effect.runPromise(cache.getMany(keys))
    if (check.size !== KEYS) throw new Error(`expected ${KEYS} keys, got ${check.size}`)
    const results: Array<BenchResult> = []
    for (const concurrency of [1, 16]) {
      results.push(
        await compare({
          name: `redis getMany ${KEYS} keys x ${VALUE_BYTES} B, c=${concurrency}`,
          baseline: "node-redis client.mGet",
          ops: CALLS,
          repeats: REPEATS,
          target: TARGET,
          ours: {
            prepare: async () => () =>
              Effect.runPromise(
                Effect.forEach(Array.from({ length: CALLS }, (_, i) => i), () => cache.getMany(keys), {
                  concurrency,
                  discard: true
                })
              )
          },
          base: {
            prepare: async () => () =>
              pool(CALLS, concurrency, async () => {
                const values = await raw.mGet(keys)
                if (values.length !== KEYS) throw new Error("short MGET reply")
              })
          }
        })
      )
    }
    return results
  } finally {
    raw.destroy()
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await server.stop()
  }
}
