/**
 * `StorageClient.sync` of a local directory to a new local directory
 * (1,008 files, 96 MiB: 1,000 of 64 KiB and 8 of about 4.2 MiB) against
 * `cp -r` and against Apache OpenDAL's Node binding doing the same copy, in
 * the same run, on tmpfs (/dev/shm) and on disk (the repository's ignored
 * tmp/ folder).
 *
 * - strata: `client.sync(src, dst, { concurrency: 16 })` over the embedded
 *   default config (both paths in the `__filesystem__` profile, so each file
 *   is the posix provider's server-side copy in its copy threads, into a
 *   temporary file, then rename; the provider's copy queue keeps up to 256
 *   copies in flight); the listing, planning and target listing are timed.
 *   Informational: the same sync across two `file` profiles, where every
 *   file is streamed through a put.
 * - cp -r: `cp -r src dst` as a child process under `/usr/bin/time` (its
 *   start is timed, ~1 ms).
 * - OpenDAL 0.49.2: two `fs` operators; `list(recursive)` then, 16 at a
 *   time, `read` from one and `write` to the other (the binding has no
 *   streaming copy between operators).
 *
 * Every timed run writes into a fresh target directory; results are in MiB/s.
 * The sync is measured as a long-running process sees it: the client lives
 * across runs, 3 untimed runs per side come first, and the harness does not
 * force a full collection before each sample (`collectBetween: false`): a
 * forced full collection makes V8 drop the optimized code of Effect's
 * runtime (its embedded objects died: "embedded weak objects cleared" in
 * `--trace-deopt`), and every sample paid 40-60 ms of re-optimization on the
 * main thread that a running process pays once per natural full collection.
 * Each file system also gets a line of CPU seconds per sync (user + system,
 * all threads; cp's from `/usr/bin/time`), steadier than wall time when the
 * machine is shared.
 *
 * @since 0.1.0
 */
import { Effect, Exit, Scope } from "effect"
import { spawn } from "node:child_process"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Operator } from "opendal"
import { defaultRegistry } from "../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../src/layers/StorageClientLive.ts"
import type { StorageClientShape } from "../src/services/StorageClient.ts"
import type { StorageConfig } from "../src/services/StorageConfig.ts"
import { compare, median, pool } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

const SMALL = 1_000
const SMALL_SIZE = 64 * 1024
const LARGE = 8
const LARGE_SIZE = (96 * 1024 * 1024 - SMALL * SMALL_SIZE) / LARGE
const MIB = (SMALL * SMALL_SIZE + LARGE * LARGE_SIZE) / (1024 * 1024)
const CONCURRENCY = 16
const REPEATS = 5
const CP_TARGET = 0.67 // ours takes at most 1.5x the time of cp -r
/** Untimed runs per side before the samples (see the module comment). */
const WARMUPS = 3
const REPO_TMP = fileURLToPath(new URL("../tmp/", import.meta.url))

const seed = async (dir: string): Promise<void> => {
  const small = new Uint8Array(SMALL_SIZE).map((_, i) => (i * 31) & 0xff)
  const large = new Uint8Array(LARGE_SIZE).map((_, i) => (i * 7) & 0xff)
  for (let d = 0; d < 10; d++) await fsp.mkdir(join(dir, `part-${d}`), { recursive: true })
  await pool(SMALL, CONCURRENCY, (i) => fsp.writeFile(join(dir, `part-${i % 10}`, `object-${String(i).padStart(4, "0")}.bin`), small))
  await fsp.mkdir(join(dir, "large"), { recursive: true })
  for (let i = 0; i < LARGE; i++) await fsp.writeFile(join(dir, "large", `shard-${i}.bin`), large)
}

/** CPU seconds (user + system) of the children run by `exec`, summed (`/usr/bin/time` reports them). */
let childCpu = 0

const exec = (command: string, args: ReadonlyArray<string>): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/time", ["-f", "%U %S", command, ...args], { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr}`))
      const [user = 0, system = 0] = stderr.trim().split(/\s+/).slice(-2).map(Number)
      childCpu += user + system
      resolve()
    })
  })

/**
 * CPU seconds of one timed run of a side (median of `REPEATS`): on a shared
 * machine wall time depends on what else runs, CPU time much less.
 */
const cpuSeconds = async (side: Side, child: boolean): Promise<number> => {
  const samples: Array<number> = []
  for (let i = 0; i < REPEATS; i++) {
    const body = await side.prepare()
    const before = process.cpuUsage()
    const childBefore = childCpu
    await body()
    const used = process.cpuUsage(before)
    samples.push(child ? childCpu - childBefore : (used.user + used.system) / 1e6)
    await side.cleanup?.()
  }
  return median(samples)
}

/** A side that copies `source` into a fresh `target` each run. */
const intoFreshTarget = (target: string, body: () => Promise<void>): Side => ({
  prepare: async () => {
    await fsp.rm(target, { recursive: true, force: true })
    return body
  },
  cleanup: () => fsp.rm(target, { recursive: true, force: true })
})

const twoProfiles = (source: string, target: string): StorageConfig => ({
  profiles: {
    src: { storage_provider: { type: "file", options: { base_path: source } } },
    dst: { storage_provider: { type: "file", options: { base_path: target } } }
  },
  pathMapping: []
})

/** A client that lives as long as the bench module. */
const client = async (config: StorageConfig): Promise<StorageClientShape> => {
  const scope = Effect.runSync(Scope.make())
  process.once("beforeExit", () => void Effect.runPromise(Scope.close(scope, Exit.void)))
  return Effect.runPromise(makeStorageClient({ config, registry: defaultRegistry }).pipe(Scope.provide(scope)))
}

/** The compare options of a long-running process's sync (see the module comment). */
const steady = { warmups: WARMUPS, collectBetween: false } as const

const benchOn = async (where: string, base: string): Promise<ReadonlyArray<BenchResult>> => {
  const root = await fsp.mkdtemp(join(base, "strata-sync-bench-"))
  const source = join(root, "src")
  const target = join(root, "dst")
  await seed(source)
  const local = await client({ profiles: {}, pathMapping: [] })
  const crossed = await client(twoProfiles(source, target))
  const strata = intoFreshTarget(target, () => Effect.runPromise(local.sync(source, target, { concurrency: CONCURRENCY })).then(() => undefined))
  const cp = intoFreshTarget(target, () => exec("cp", ["-r", source, target]))
  const sourceOp = new Operator("fs", { root: source })
  const targetOp = new Operator("fs", { root: target })
  const opendal = intoFreshTarget(target, async () => {
    const files = (await sourceOp.list("/", { recursive: true })).filter((entry) => !entry.path().endsWith("/"))
    await pool(files.length, CONCURRENCY, async (i) => {
      const path = files[i]!.path()
      await targetOp.write(path, await sourceOp.read(path))
    })
  })
  const name = `sync 1,008 files / 96 MiB, ${where}, MiB/s`
  const results = [
    await compare({ name, baseline: "cp -r", ops: MIB, repeats: REPEATS, target: CP_TARGET, ours: strata, base: cp, ...steady }),
    await compare({
      name,
      baseline: "OpenDAL 0.49.2 list + read/write, c=16",
      ops: MIB,
      repeats: REPEATS,
      target: 1,
      ours: strata,
      base: opendal,
      ...steady
    }),
    await compare({
      name: `sync across two file profiles (streamed puts), ${where}, MiB/s`,
      baseline: "cp -r",
      ops: MIB,
      repeats: REPEATS,
      ours: intoFreshTarget(target, () => Effect.runPromise(crossed.sync("msc://src/", "msc://dst/", { concurrency: CONCURRENCY })).then(() => undefined)),
      base: cp
    })
  ]
  const [oursCpu, cpCpu, opendalCpu] = [await cpuSeconds(strata, false), await cpuSeconds(cp, true), await cpuSeconds(opendal, false)]
  console.log(
    `${where}: CPU seconds per sync (user + system, median of ${REPEATS}): strata ${oursCpu.toFixed(3)}, ` +
      `cp -r ${cpCpu.toFixed(3)}, OpenDAL ${opendalCpu.toFixed(3)}`
  )
  await fsp.rm(root, { recursive: true, force: true })
  return results
}

/**
 * @since 0.1.0
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  await fsp.mkdir(REPO_TMP, { recursive: true })
  return [...(await benchOn("tmpfs", "/dev/shm")), ...(await benchOn("disk", REPO_TMP))]
}
