/**
 * The POSIX storage provider against raw `node:fs` doing the same work, in
 * the same run: 2,000 objects of 4 KiB in 20 directories, at concurrency 1
 * and 16.
 *
 * - put: `provider.put(key, bytes)` vs `fs.promises.writeFile(temp)` +
 *   `rename` (the raw side gets its directories made before the clock
 *   starts; ours starts from an empty base and makes them).
 * - getBytes: `provider.getBytes(key)` vs `fs.promises.readFile`, and vs the
 *   callback `fs.readFile` (informational: it is the faster raw API).
 * - list: a full listing with metadata (`provider.list()`, S3 order, size,
 *   mtime, etag) vs `readdir({ recursive: true })` + `stat` of every file +
 *   a sort, and vs a bare recursive `readdir` (informational: it returns
 *   names only, no sizes, no order).
 *
 * Every timed run gets a fresh temporary directory (puts) or reads the same
 * seeded one (gets, lists: each get run reads all objects five times). Our side runs through Effect as a program would:
 * `Effect.forEach(keys, op, { concurrency })` under `Effect.runPromise`.
 *
 * @since 0.1.0
 */
import { Effect, Scope, Stream } from "effect"
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Posix from "../src/providers/storage/posix.ts"
import type { StorageProviderShape } from "../src/services/StorageProvider.ts"
import { compare, pool } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

/** The scope of the providers made here: they live as long as the bench process. */
const benchScope = Effect.runSync(Scope.make())

const COUNT = 2_000
const DIRS = 20
const SIZE = 4 * 1024
const TARGET = 0.8
/** Gets are fast: each timed run reads every object this many times, so a run lasts long enough to measure. */
const GET_PASSES = 5
const REPEATS = 7
const keys = Array.from({ length: COUNT }, (_, i) => `d${String(i % DIRS).padStart(2, "0")}/object-${String(i).padStart(5, "0")}.bin`)
const payload = new Uint8Array(SIZE).map((_, i) => (i * 31) & 0xff)

const freshDir = () => fsp.mkdtemp(join(tmpdir(), "strata-bench-"))
const removeDir = (dir: string) => fsp.rm(dir, { recursive: true, force: true })
const provider = (basePath: string) => Effect.runPromise(Posix.make({ basePath }).pipe(Scope.provide(benchScope)))
const runEach = (count: number, concurrency: number, op: (i: number) => Effect.Effect<unknown, unknown>) =>
  Effect.runPromise(Effect.forEach(Array.from({ length: count }, (_, i) => i), op, { concurrency, discard: true }))

/** A side whose every run starts in a fresh empty directory. */
const inFreshDir = (body: (dir: string) => Promise<() => Promise<void>>): Side => {
  let dir = ""
  return {
    prepare: async () => {
      dir = await freshDir()
      return body(dir)
    },
    cleanup: () => removeDir(dir)
  }
}

const putBench = (concurrency: number) =>
  compare({
    name: `put 4 KiB, c=${concurrency}`,
    baseline: "fs.promises writeFile(temp) + rename",
    ops: COUNT,
    repeats: REPEATS,
    target: TARGET,
    ours: inFreshDir(async (dir) => {
      const p = await provider(dir)
      return () => runEach(COUNT, concurrency, (i) => p.put(keys[i]!, payload))
    }),
    base: inFreshDir(async (dir) => {
      for (let d = 0; d < DIRS; d++) await fsp.mkdir(join(dir, `d${String(d).padStart(2, "0")}`))
      return () =>
        pool(COUNT, concurrency, async (i) => {
          const path = join(dir, keys[i]!)
          const temp = `${path}.tmp-${i}`
          await fsp.writeFile(temp, payload)
          await fsp.rename(temp, path)
        })
    })
  })

const readCallback = (path: string) =>
  new Promise<Buffer>((resolve, reject) => fs.readFile(path, (error, data) => (error ? reject(error) : resolve(data))))

const getBench = (dir: string, p: StorageProviderShape, concurrency: number, callbackBaseline: boolean) =>
  compare({
    name: `getBytes 4 KiB, c=${concurrency}`,
    baseline: callbackBaseline ? "fs.readFile (callback API)" : "fs.promises.readFile",
    ops: COUNT * GET_PASSES,
    repeats: REPEATS,
    ...(callbackBaseline ? {} : { target: TARGET }),
    ours: { prepare: async () => () => runEach(COUNT * GET_PASSES, concurrency, (i) => p.getBytes(keys[i % COUNT]!)) },
    base: {
      prepare: async () => () =>
        pool(COUNT * GET_PASSES, concurrency, (i) => {
          const path = join(dir, keys[i % COUNT]!)
          return callbackBaseline ? readCallback(path) : fsp.readFile(path)
        })
    }
  })

/** What a raw program does to list a tree with sizes, in key order. */
const rawListing = async (dir: string, withStats: boolean): Promise<number> => {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile())
  if (!withStats) return files.length
  const listed = await Promise.all(files.map(async (entry) => {
    const path = join(entry.parentPath, entry.name)
    const stats = await fsp.stat(path)
    return { key: path.slice(dir.length + 1), size: stats.size, mtime: stats.mtimeMs }
  }))
  listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return listed.length
}

const listBench = (dir: string, p: StorageProviderShape, concurrency: number, withStats: boolean) => {
  const listings = concurrency === 1 ? 10 : 32
  return compare({
    name: `list ${COUNT} objects, c=${concurrency}`,
    baseline: withStats ? "readdir(recursive) + stat each + sort" : "readdir(recursive), names only",
    ops: listings,
    repeats: REPEATS,
    ...(withStats ? { target: TARGET } : {}),
    ours: {
      prepare: async () => () =>
        runEach(listings, concurrency, () =>
          Effect.flatMap(Stream.runCount(p.list()), (n) => (n === COUNT ? Effect.void : Effect.die(`listed ${n}`))))
    },
    base: { prepare: async () => () => pool(listings, concurrency, () => rawListing(dir, withStats)) }
  })
}

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const results: Array<BenchResult> = []
  for (const concurrency of [1, 16]) results.push(await putBench(concurrency))
  const seeded = await freshDir()
  try {
    const p = await provider(seeded)
    await runEach(COUNT, 16, (i) => p.put(keys[i]!, payload))
    for (const concurrency of [1, 16]) results.push(await getBench(seeded, p, concurrency, false))
    for (const concurrency of [1, 16]) results.push(await getBench(seeded, p, concurrency, true))
    for (const concurrency of [1, 16]) results.push(await listBench(seeded, p, concurrency, true))
    for (const concurrency of [1, 16]) results.push(await listBench(seeded, p, concurrency, false))
  } finally {
    await removeDir(seeded)
  }
  return results
}
