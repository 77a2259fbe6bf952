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
  /** With `statistic: "mean"`: the 95 % bootstrap interval of `ratio`. */
  readonly interval?: Interval | undefined
  /** With `control`: the baseline against a second run of itself in the same rounds (1.00x but for noise). */
  readonly control?: { readonly ratio: number; readonly interval: Interval } | undefined
}

/**
 * A confidence interval of a ratio, low to high.
 *
 * @since 0.1.0
 * @category models
 */
export type Interval = readonly [number, number]

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
  /**
   * `median` (default): the ratio of the sides' median rates. `mean`: the
   * ratio of their total times over all runs (each run's operations weigh
   * the same), with a 95 % bootstrap interval over the rounds. For effects
   * of a few percent in noise of tens of percent: many short runs.
   */
  readonly statistic?: "median" | "mean"
  /** Runs the baseline a second time in every round, as a control: the result's `control` is their ratio. */
  readonly control?: boolean
}): Promise<BenchResult> => {
  const repeats = options.repeats ?? 5
  const now = options.clock === "cpu"
    ? () => {
      const used = process.cpuUsage()
      return (used.user + used.system) / 1000
    }
    : () => performance.now()
  const samples = { ours: [] as Array<number>, base: [] as Array<number> }
  const controls: Array<number> = []
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
  const runs = [
    async () => samples.base.push(await once(options.base)),
    async () => samples.ours.push(await once(options.ours)),
    ...(options.control ? [async () => controls.push(await once(options.base))] : [])
  ]
  const random = seeded(0x0de7)
  for (let i = 0; i < repeats; i++) {
    // Without a control: alternating which side goes first. With one: a fresh random order every round, so no
    // side keeps a place (say, always after the other code, or always after itself) that the machine favours.
    const order = options.control ? shuffled(runs, random) : i % 2 === 0 ? runs : runs.toReversed()
    for (const run of order) await run()
  }
  const common = { name: options.name, baseline: options.baseline, target: options.target, samples }
  if (options.statistic !== "mean") {
    const ours = median(samples.ours)
    const base = median(samples.base)
    return { ...common, ours, base, ratio: ours / base }
  }
  const ours = meanRate(samples.ours)
  const base = meanRate(samples.base)
  return {
    ...common,
    ours,
    base,
    ratio: ours / base,
    interval: bootstrapRatio(samples.ours, samples.base),
    control: options.control ? { ratio: meanRate(controls) / base, interval: bootstrapRatio(controls, samples.base) } : undefined
  }
}

/**
 * The rate over all runs together (runs of equal size): the harmonic mean of
 * their rates, i.e. total operations over total time.
 *
 * @since 0.1.0
 * @category statistics
 */
export const meanRate = (rates: ReadonlyArray<number>): number =>
  rates.length / rates.reduce((sum, rate) => sum + 1 / rate, 0)

/**
 * The 95 % percentile bootstrap interval of `meanRate(ours) / meanRate(base)`,
 * resampling whole rounds (the i-th run of each side together, so what a
 * round shared stays paired). Seeded: the same samples give the same
 * interval.
 *
 * @since 0.1.0
 * @category statistics
 */
export const bootstrapRatio = (ours: ReadonlyArray<number>, base: ReadonlyArray<number>, resamples = 2_000): Interval => {
  const rounds = Math.min(ours.length, base.length)
  const random = seeded(0x5eed)
  const ratios: Array<number> = []
  for (let r = 0; r < resamples; r++) {
    let oursTime = 0
    let baseTime = 0
    for (let i = 0; i < rounds; i++) {
      const pick = Math.floor(random() * rounds)
      oursTime += 1 / ours[pick]!
      baseTime += 1 / base[pick]!
    }
    ratios.push(baseTime / oursTime)
  }
  ratios.sort((a, b) => a - b)
  return [ratios[Math.floor(resamples * 0.025)]!, ratios[Math.ceil(resamples * 0.975) - 1]!]
}

const shuffled = <A>(items: ReadonlyArray<A>, random: () => number): Array<A> => {
  const copy = items.slice()
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}

/** mulberry32: a small seeded generator, enough for resampling and shuffling. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
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
    r.interval === undefined
      ? `${r.ratio.toFixed(2)}x`
      : `${r.ratio.toFixed(2)}x (${r.interval[0].toFixed(2)}-${r.interval[1].toFixed(2)})`,
    r.target === undefined ? "" : r.ratio >= r.target ? `>= ${r.target} ok` : `< ${r.target} MISSED`
  ])
  const header = ["benchmark", "baseline", "ours ops/s", "baseline ops/s", "ours/baseline", "target"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  const controls = results.flatMap((r) =>
    r.control === undefined
      ? []
      : [`control: ${r.baseline} vs itself, in the rounds of "${r.name}": ${r.control.ratio.toFixed(2)}x (${
        r.control.interval[0].toFixed(2)
      }-${r.control.interval[1].toFixed(2)})`]
  )
  const table = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
  return controls.length === 0 ? table : `${table}\n\n${controls.join("\n")}`
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
