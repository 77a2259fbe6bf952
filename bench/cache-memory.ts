/**
 * The memory cache provider against `lru-cache` (11.5.3) doing the same work,
 * in the same run: 10,000 keys, both caches bounded at 10,000 entries (so no
 * eviction happens during gets), values of 100 bytes unless said otherwise.
 *
 * What is timed, per run of `OPS` operations over the keys in turn:
 *
 * - ours: one `Effect.runPromise` of `Effect.forEach(indexes, (i) =>
 *   cache.get(keys[i]), { discard: true })`, as a program doing many cache
 *   calls would (set: `cache.set(keys[i], value)`, TTL: `{ ttl: "1 minute" }`).
 *   Every call validates the key, reads the Effect `Clock` service, bumps
 *   recency and copies the value (in on set, out on get).
 * - baseline: a plain `for` loop of `lru.get(keys[i])` / `lru.set(keys[i],
 *   value)` (with `{ ttl: 60_000 }` for the TTL row) in an async function.
 *   `lru-cache` stores and returns the caller's buffer: no copies.
 *
 * Informational rows: `lru-cache` with a copy in and out (`slice()`: the same
 * semantics as ours), 16 KiB values (where copies dominate), and one
 * `Effect.runPromise` per operation (what a caller outside Effect pays).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { LRUCache } from "lru-cache"
import * as memory from "../src/providers/cache/memory.ts"
import type { CacheShape } from "../src/services/Cache.ts"
import { compare } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

const KEYS = 10_000
const OPS = 200_000
const PER_OP_OPS = 20_000
const REPEATS = 7
const TARGET = 0.5
const keys = Array.from({ length: KEYS }, (_, i) => `user:${i}:profile`)
const indexes = Array.from({ length: OPS }, (_, i) => i % KEYS)
const valueOf = (size: number) => new Uint8Array(size).map((_, i) => (i * 31) & 0xff)

const ours = async (size: number, copyValues: boolean) => {
  const cache = await Effect.runPromise(memory.make({ maxEntries: KEYS, copyValues }))
  const value = valueOf(size)
  await Effect.runPromise(Effect.forEach(keys, (key) => cache.set(key, value), { discard: true }))
  return { cache, value }
}
const lru = (size: number, copy: boolean) => {
  const cache = new LRUCache<string, Uint8Array>({ max: KEYS })
  const value = valueOf(size)
  for (const key of keys) cache.set(key, copy ? value.slice() : value)
  return { cache, value }
}

const oursSide = (copyValues: boolean, size: number, body: (cache: CacheShape, value: Uint8Array) => Effect.Effect<void, unknown>): Side => ({
  prepare: async () => {
    const { cache, value } = await ours(size, copyValues)
    return () => Effect.runPromise(body(cache, value))
  }
})
const baseSide = (copy: boolean, size: number, body: (cache: LRUCache<string, Uint8Array>, value: Uint8Array) => void): Side => ({
  prepare: async () => {
    const { cache, value } = lru(size, copy)
    return async () => body(cache, value)
  }
})

const getOurs = (copyValues: boolean, size = 100) =>
  oursSide(copyValues, size, (cache) => Effect.forEach(indexes, (i) => cache.get(keys[i]!), { discard: true }))
const setOurs = (copyValues: boolean, ttl: boolean) =>
  oursSide(copyValues, 100, (cache, value) =>
    Effect.forEach(indexes, (i) => cache.set(keys[i]!, value, ttl ? { ttl: "1 minute" } : undefined), { discard: true }))

const getRaw = (copy: boolean, size = 100) =>
  baseSide(copy, size, (cache) => {
    for (const i of indexes) {
      const got = cache.get(keys[i]!)
      if (copy) got?.slice()
    }
  })
const setRaw = (copy: boolean, ttl: boolean) =>
  baseSide(copy, 100, (cache, value) => {
    for (const i of indexes) cache.set(keys[i]!, copy ? value.slice() : value, ttl ? { ttl: 60_000 } : undefined)
  })

const perOp = (copyValues: boolean): Side => ({
  prepare: async () => {
    const { cache } = await ours(100, copyValues)
    return async () => {
      for (let i = 0; i < PER_OP_OPS; i++) await Effect.runPromise(cache.get(keys[i % KEYS]!))
    }
  }
})
const perOpRaw: Side = {
  prepare: async () => {
    const { cache } = lru(100, false)
    return async () => {
      for (let i = 0; i < PER_OP_OPS; i++) cache.get(keys[i % KEYS]!)
    }
  }
}

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const common = { ops: OPS, repeats: REPEATS }
  const rows: ReadonlyArray<Parameters<typeof compare>[0]> = [
    // Like for like: both share the caller's buffers (copyValues: false) ...
    { ...common, name: "get 100 B, copyValues: false", baseline: "lru-cache get", target: TARGET, ours: getOurs(false), base: getRaw(false) },
    { ...common, name: "set 100 B, copyValues: false", baseline: "lru-cache set", target: TARGET, ours: setOurs(false, false), base: setRaw(false, false) },
    { ...common, name: "set 100 B ttl, copyValues: false", baseline: "lru-cache set, ttl", target: TARGET, ours: setOurs(false, true), base: setRaw(false, true) },
    // ... or both copy in and out (the default).
    { ...common, name: "get 100 B (default: copies)", baseline: "lru-cache get + slice()", target: TARGET, ours: getOurs(true), base: getRaw(true) },
    { ...common, name: "set 100 B (default: copies)", baseline: "lru-cache slice() + set", target: TARGET, ours: setOurs(true, false), base: setRaw(true, false) },
    // Informational: what copies cost against a cache that shares buffers.
    { ...common, name: "get 100 B (default: copies)", baseline: "lru-cache get", ours: getOurs(true), base: getRaw(false) },
    { ...common, name: "set 100 B (default: copies)", baseline: "lru-cache set", ours: setOurs(true, false), base: setRaw(false, false) },
    { ...common, name: "get 16 KiB (default: copies)", baseline: "lru-cache get + slice()", ours: getOurs(true, 16 * 1024), base: getRaw(true, 16 * 1024) },
    { ops: PER_OP_OPS, repeats: REPEATS, name: "get 100 B, runPromise per op, copyValues: false", baseline: "lru-cache get", ours: perOp(false), base: perOpRaw }
  ]
  const results: Array<BenchResult> = []
  for (const row of rows) results.push(await compare(row))
  return results
}
