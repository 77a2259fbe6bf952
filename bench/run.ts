/**
 * Runs the benchmarks one module at a time and prints one table:
 * `npm run bench` (all), `node bench/run.ts storage-posix` (those whose name
 * contains the argument).
 *
 * To add a benchmark: write `bench/<name>.ts` exporting
 * `run(): Promise<ReadonlyArray<BenchResult>>` (see `harness.ts`) and add it
 * to `modules` below.
 *
 * @since 0.1.0
 */
import { formatTable, machine } from "./harness.ts"
import type { BenchModule, BenchResult } from "./harness.ts"

const modules: ReadonlyArray<readonly [string, () => Promise<BenchModule>]> = [
  ["storage-posix", () => import("./storage-posix.ts")],
  ["storage-sync", () => import("./storage-sync.ts")],
  ["storage-instrumentation", () => import("./storage-instrumentation.ts")],
  ["storage-s3", () => import("./storage-s3.ts")],
  ["storage-readcache", () => import("./storage-readcache.ts")],
  ["storage-azure", () => import("./storage-azure.ts")],
  ["cache-redis", () => import("./cache-redis.ts")],
  ["cache-memory", () => import("./cache-memory.ts")],
  ["mapper", () => import("./mapper.ts")],
  ["manifest-list", () => import("./manifest-list.ts")],
  ["plugin-cache", () => import("./plugin-cache.ts")],
  ["contracts", () => import("./contracts.ts")],
  ["contracts-ingest", () => import("./contracts-ingest.ts")],
  ["artifacts", () => import("./artifacts.ts")]
]

const filter = process.argv[2]
const results: Array<BenchResult> = []
console.log(`machine: ${machine()}`)
for (const [name, load] of modules) {
  if (filter !== undefined && !name.includes(filter)) continue
  console.log(`running ${name} ...`)
  const started = performance.now()
  const module = await load()
  const own = await module.run()
  results.push(...own)
  console.log(`${name}: ${own.length} results in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}
console.log()
console.log(formatTable(results))
const missed = results.filter((r) => r.target !== undefined && r.ratio < r.target)
if (missed.length > 0) console.log(`\n${missed.length} result(s) below target.`)
