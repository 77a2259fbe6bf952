/**
 * The benchmark harness: every bench module compares our code with a named
 * baseline doing the same work in the same run, measured a few times each
 * (interleaved, so drift hits both alike), and reports medians and the ratio
 * ours / baseline.
 *
 * A bench module exports `run(): Promise<ReadonlyArray<BenchResult>>` and is
 * listed in `bench/run.ts`.
 *
 * @since 0.1.0
 */
import { cpus, release } from "node:os"
import * as v8 from "node:v8"
import * as vm from "node:vm"

/**
 * One comparison: `ours` and `baseline` in operations per second (medians).
 *
 * @since 0.1.0
 * @category models
 */
export interface BenchResult {
  /** What was measured, e.g. `posix getBytes 4 KiB, c=16`. */
  readonly name: string
  /** What it was compared with, e.g. `fs.promises.readFile`. */
  readonly baseline: string
  readonly ours: number
  readonly base: number
  /** ours / base: above 1 is faster than the baseline. */
  readonly ratio: number
  /** The ratio to reach, if there is one. */
  readonly target?: number | undefined
  /** Per-run samples, ops/s, for the curious. */
  readonly samples: { readonly ours: ReadonlyArray<number>; readonly base: ReadonlyArray<number> }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface BenchModule {
  readonly run: () => Promise<ReadonlyArray<BenchResult>>
}

/**
 * @since 0.1.0
 * @category statistics
 */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = values.toSorted((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// A full collection between runs keeps one side's garbage from being paid by the other.
const gc: (() => void) | undefined = (() => {
  const exposed = (globalThis as { gc?: unknown }).gc
  if (typeof exposed === "function") return exposed as () => void
  try {
    v8.setFlagsFromString("--expose-gc")
    const found: unknown = vm.runInNewContext("gc")
    return typeof found === "function" ? (found as () => void) : undefined
  } catch {
    return undefined
  }
})()

/**
 * One side of a comparison: `prepare` (not timed) returns the timed body,
 * which performs `ops` operations; `cleanup` (not timed) runs after it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Side {
  readonly prepare: () => Promise<() => Promise<void>>
  readonly cleanup?: (() => Promise<void>) | undefined
}

/**
 * Runs both sides `repeats` times, alternating which goes first, and returns
 * the medians.
 *
 * @since 0.1.0
 * @category running
 */
export const compare = async (options: {
  readonly name: string
  readonly baseline: string
  readonly ops: number
  readonly ours: Side
  readonly base: Side
  readonly repeats?: number
  readonly target?: number
  /**
   * `wall` (default) times elapsed time; `cpu` times this process's CPU
   * (user + system), for CPU-bound work on a machine shared with other jobs,
   * where wall time mostly measures the other jobs.
   */
  readonly clock?: "wall" | "cpu"
  /**
   * Whether a full collection runs before every sample (default true: one
   * side's garbage is not paid by the other). Off for a server's sustained
   * throughput, where a forced collection costs the next sample a transient
   * no running server has (the young generation shrinks, then regrows; V8
   * drops optimized code whose embedded objects died, to re-optimize it).
   */
  readonly collectBetween?: boolean
  /** Untimed runs of each side before the samples (default 1: JIT, page cache); more for a server's start-up transient. */
  readonly warmups?: number
}): Promise<BenchResult> => {
  const repeats = options.repeats ?? 5
  const now = options.clock === "cpu"
    ? () => {
      const used = process.cpuUsage()
      return (used.user + used.system) / 1000
    }
    : () => performance.now()
  const samples = { ours: [] as Array<number>, base: [] as Array<number> }
  const once = async (side: Side): Promise<number> => {
    const body = await side.prepare()
    if (options.collectBetween !== false) gc?.()
    const started = now()
    await body()
    const seconds = (now() - started) / 1000
    await side.cleanup?.()
    return options.ops / seconds
  }
  // Warm-ups of each side, not counted (JIT, page cache).
  for (let i = 0; i < (options.warmups ?? 1); i++) {
    await once(options.base)
    await once(options.ours)
  }
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      samples.base.push(await once(options.base))
      samples.ours.push(await once(options.ours))
    } else {
      samples.ours.push(await once(options.ours))
      samples.base.push(await once(options.base))
    }
  }
  const ours = median(samples.ours)
  const base = median(samples.base)
  return { name: options.name, baseline: options.baseline, ours, base, ratio: ours / base, target: options.target, samples }
}

/**
 * Runs `count` tasks with at most `concurrency` in flight (the baseline's
 * equivalent of `Effect.forEach` with `concurrency`).
 *
 * @since 0.1.0
 * @category running
 */
export const pool = async (count: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

const fixed = (value: number): string =>
  value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1)

/**
 * The results as a Markdown table.
 *
 * @since 0.1.0
 * @category reporting
 */
export const formatTable = (results: ReadonlyArray<BenchResult>): string => {
  const rows = results.map((r) => [
    r.name,
    r.baseline,
    fixed(r.ours),
    fixed(r.base),
    `${r.ratio.toFixed(2)}x`,
    r.target === undefined ? "" : r.ratio >= r.target ? `>= ${r.target} ok` : `< ${r.target} MISSED`
  ])
  const header = ["benchmark", "baseline", "ours ops/s", "baseline ops/s", "ours/baseline", "target"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
}

/**
 * The machine, for the record.
 *
 * @since 0.1.0
 * @category reporting
 */
export const machine = (): string => {
  const cores = cpus()
  return `${cores.length} x ${cores[0]?.model.trim() ?? "unknown CPU"}, Linux ${release()}, Node ${process.version}`
}
