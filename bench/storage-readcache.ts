/**
 * The read cache: a 64 MiB object read through `ReadCache.cacheReads` (an
 * entry on local disk, checked block by block, plus the `head` that
 * `check_source_version` asks of the source) against the same provider read
 * directly, in the same run. Each timed run streams the object 4 times
 * (`Stream.runDrain(provider.read(key))`).
 *
 * Sources:
 * - **posix**: the posix provider on the same disk (and page cache) as the
 *   cache. The cache cannot win here (MSC never caches `file` profiles); the
 *   row says what a hit costs against the fastest source there is.
 * - **simulated remote**: the posix provider behind a wrapper that adds
 *   20 ms to every request (head, read) and streams at 200 MiB/s (a sleep per
 *   chunk for its share of the time): a stand-in for an object store, stated
 *   as such, not a measurement of one.
 *
 * Rows: warm hits (the entry exists) vs the source; and, informational, a
 * miss (the source's bytes served as they arrive while written into a new
 * entry, which is admitted under the size lock at the end; the entry is
 * removed before each run) vs the source, the price of the first read.
 *
 * @since 0.1.0
 */
import { Effect, Scope, Stream } from "effect"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cacheReads, openStore } from "../src/layers/ReadCache.ts"
import * as Posix from "../src/providers/storage/posix.ts"
import type { StorageProviderShape } from "../src/services/StorageProvider.ts"
import { compare } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

/** The scope of the providers made here: they live as long as the bench process. */
const benchScope = Effect.runSync(Scope.make())

const MiB = 1024 * 1024
const SIZE = 64 * MiB
const READS = 4
const REPEATS = 5
const KEY = "data/object-64m.bin"
const LATENCY_MS = 20
const BYTES_PER_MS = (200 * MiB) / 1000

/** The stand-in for a remote store: per-request latency and a bandwidth limit. */
const simulatedRemote = (provider: StorageProviderShape): StorageProviderShape => ({
  ...provider,
  type: "simulated-remote",
  head: (key) => Effect.andThen(Effect.sleep(LATENCY_MS), provider.head(key)),
  read: (key, options) =>
    Stream.unwrap(Effect.as(Effect.sleep(LATENCY_MS), provider.read(key, options))).pipe(
      Stream.tap((chunk) => Effect.sleep(chunk.byteLength / BYTES_PER_MS))
    )
})

const drain = (provider: StorageProviderShape) => () =>
  Effect.runPromise(Effect.repeat(Stream.runDrain(provider.read(KEY)), { times: READS - 1 }))

const side = (run: () => Promise<void>, before?: () => Promise<void>): Side => ({
  prepare: async () => {
    await before?.()
    return run
  }
})

export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const sourceDir = await fsp.mkdtemp(join(tmpdir(), "strata-bench-source-"))
  const cacheDir = await fsp.mkdtemp(join(tmpdir(), "strata-bench-cache-"))
  const results: Array<BenchResult> = []
  try {
    const posix = await Effect.runPromise(Posix.make({ basePath: sourceDir }).pipe(Scope.provide(benchScope)))
    const payload = new Uint8Array(SIZE).map((_, i) => (i * 31 + (i >> 12)) & 0xff)
    await Effect.runPromise(posix.put(KEY, payload))
    const store = await Effect.runPromise(openStore({
      location: cacheDir,
      maxBytes: 1024 * MiB,
      policy: "lru",
      refreshIntervalMillis: 300_000,
      purgeFactor: 0,
      lockWaitMillis: 30_000
    }))
    for (const [label, source] of [["posix", posix], ["simulated remote", simulatedRemote(posix)]] as const) {
      const cached = cacheReads(source, store, { profile: label, checkSourceVersion: true, lineBytes: 64 * MiB })
      await Effect.runPromise(Stream.runDrain(cached.read(KEY))) // the entry exists from here on
      results.push(await compare({
        name: `read 64 MiB x${READS}, ${label}: cache hit`,
        baseline: `${label} source, uncached`,
        ops: READS,
        repeats: REPEATS,
        ours: side(drain(cached)),
        base: side(drain(source))
      }))
      const dropEntry = () => Effect.runPromise(store.removeKey(label, KEY))
      const once = (provider: StorageProviderShape) => () => Effect.runPromise(Stream.runDrain(provider.read(KEY)))
      results.push(await compare({
        name: `read 64 MiB, ${label}: cache miss (served while written to the cache)`,
        baseline: `${label} source, uncached`,
        ops: 1,
        repeats: REPEATS,
        ours: side(once(cached), dropEntry),
        base: side(once(source))
      }))
    }
  } finally {
    await fsp.rm(sourceDir, { recursive: true, force: true })
    await fsp.rm(cacheDir, { recursive: true, force: true })
  }
  return results
}
