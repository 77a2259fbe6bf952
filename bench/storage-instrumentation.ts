/**
 * The cost of `StorageInstrumentation.instrument` (a span and MSC's metrics
 * per operation): 4 KiB `getBytes` on the posix provider, instrumented vs the
 * same provider unwrapped, in the same run.
 *
 * - (a) default: no tracer installed (Effect's native tracer, spans kept in
 *   memory and dropped) and the default metric registry;
 * - (b) recording: a tracer that pushes a record of every ended span (ids,
 *   name, attributes, times, outcome) into an array, what an exporter's
 *   tracer does before it batches, and metrics on, i.e. telemetry on without
 *   the network. Both sides run under it; only ours makes spans.
 * - (c) otlp: the real `Telemetry` layer with its defaults (strata's export
 *   tracer encoding OTLP protobuf batches, the SDK's OTLP/HTTP transport,
 *   metric reader) exporting to a local receiver that accepts and discards
 *   every request: telemetry on, as users run it.
 *
 * Targets (>= 0.91, i.e. at most 1.10x the time) on (a) and (c); (b) is
 * informational.
 *
 * The instrumented provider notes each operation and records spans and
 * metrics in batches of 256 (`telemetry/operationJournal.ts`); each timed
 * run ends with a flush, so all of that work is inside the timing.
 *
 * Informational rows: (c) with export batches of 4096 spans
 * (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, the default is 512) at 16 in flight; a
 * bare Effect wrapper (below); the memory provider, where an operation costs
 * a few µs, so the ratio shows the instrumentation's absolute cost.
 *
 * Measured as the ratio of total CPU time over 400 rounds of short runs
 * (100 reads at 1 in flight, 300 at 16; in a random order each round) with
 * a 95 % bootstrap interval; each posix row also runs the plain provider a
 * second time per round, and that control's ratio (1.00x but for noise) is
 * printed under the table.
 *
 * @since 0.1.0
 */
import { Effect, Exit, ManagedRuntime, Metric, Scope, Tracer } from "effect"
import { spawn } from "node:child_process"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { flush, instrument } from "../src/layers/StorageInstrumentation.ts"
import * as Telemetry from "../src/layers/Telemetry.ts"
import * as Memory from "../src/providers/storage/memory.ts"
import * as Posix from "../src/providers/storage/posix.ts"
import type { StorageProviderShape } from "../src/services/StorageProvider.ts"
import { compare } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

/** The scope of the providers made here: they live as long as the bench process. */
const benchScope = Effect.runSync(Scope.make())

const COUNT = 2_000
const SIZE = 4 * 1024
/**
 * Operations per timed run and rounds (one run of each side, and of the
 * control, per round): 20-30 ms of CPU per posix run, shorter than the spells
 * in which a posix read's cost stays up or down (a few hundred ms), so a
 * round's runs mostly share one; 100-200 ms per memory run.
 */
const runsOf = (label: string, concurrency: number) =>
  label === "memory" ? { ops: 10_000, rounds: 40 } : { ops: concurrency === 1 ? 100 : 300, rounds: 400 }
const TARGET = 0.91
const keys = Array.from({ length: COUNT }, (_, i) => `d${String(i % 20).padStart(2, "0")}/object-${i}.bin`)
const payload = new Uint8Array(SIZE).map((_, i) => (i * 31) & 0xff)

/** What an exporter keeps of an ended span (not the span: its exit holds the operation's result). */
interface SpanRecord {
  readonly traceId: string
  readonly spanId: string
  readonly name: string
  readonly attributes: ReadonlyMap<string, unknown>
  readonly startTime: bigint
  readonly endTime: bigint
  readonly ok: boolean
}

/** Spans recorded by the tracer, cleared before each timed run. */
const recorded: Array<SpanRecord> = []

class RecordingSpan extends Tracer.NativeSpan {
  override end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    if (this.status._tag === "Ended") return
    recorded.push({
      traceId: this.traceId,
      spanId: this.spanId,
      name: this.name,
      attributes: this.attributes,
      startTime: this.startTime,
      endTime,
      ok: Exit.isSuccess(exit)
    })
    super.end(endTime, Exit.void)
  }
}

const recordingTracer = Tracer.make({ span: (options) => new RecordingSpan(options) })

type Mode = "default" | "recording" | "otlp" | "otlp-batch-4096"

const MODE_LABELS: Record<Mode, string> = {
  default: "no tracer",
  recording: "recording tracer + metrics",
  otlp: "OTLP exporter on",
  "otlp-batch-4096": "OTLP exporter on, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4096"
}

/** A receiver in a child process (its CPU is not ours) that accepts every OTLP/HTTP request and discards it. */
const startSink = async () => {
  const code = `const server = require("node:http").createServer((request, response) => {
    request.resume()
    request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end("{}"))
  })
  server.listen(0, "127.0.0.1", () => console.log(server.address().port))`
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once("data", (data: Buffer) => resolve(Number(data.toString().trim())))
    child.once("exit", () => reject(new Error("the OTLP sink exited before listening")))
  })
  return { port, close: async () => void child.kill() }
}

/** Telemetry on, as `OTEL_EXPORTER_OTLP_ENDPOINT` (and `extraEnv`) turn it on; metrics every second. */
const otlpRuntime = (port: number, extraEnv: Record<string, string> = {}) =>
  ManagedRuntime.make(Telemetry.layer(
    Telemetry.telemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_SERVICE_NAME: "strata-bench",
      OTEL_METRIC_EXPORT_INTERVAL: "1000",
      ...extraEnv
    }).settings
  ))

const runtimes: Partial<Record<Mode, ManagedRuntime.ManagedRuntime<never, never>>> = {}

const runGets = (p: StorageProviderShape, ops: number, concurrency: number, mode: Mode) => {
  // The flush records the last batch's spans and metrics inside the timed run (a no-op for the plain provider).
  const program = Effect.forEach(
    Array.from({ length: ops }, (_, i) => i),
    (i) => p.getBytes(keys[i % COUNT]!),
    { concurrency, discard: true }
  ).pipe(Effect.ensuring(flush))
  const runtime = runtimes[mode]
  if (runtime !== undefined) return runtime.runPromise(program)
  return Effect.runPromise(
    mode === "default"
      ? program
      : program.pipe(Effect.withTracer(recordingTracer), Effect.provideService(Metric.MetricRegistry, new Map()))
  )
}

/**
 * The least any wrapper of a provider's effects can cost: the two Effect steps the instrumentation needs to see an
 * operation's fiber at its start and its exit, doing nothing there (informational).
 */
const bareWrapper = (provider: StorageProviderShape): StorageProviderShape => ({
  ...provider,
  getBytes: (key, options) =>
    Effect.withFiber(() => Effect.onExitPrimitive(provider.getBytes(key, options), () => undefined, true))
})

const bench = (
  label: string,
  plain: StorageProviderShape,
  concurrency: number,
  mode: Mode,
  options: { readonly target: boolean; readonly bare?: boolean }
) => {
  const { ops, rounds } = runsOf(label, concurrency)
  const wrapped = options.bare
    ? bareWrapper(plain)
    : instrument(plain, { profile: "bench", attributes: { bench: "storage-instrumentation" } })
  const side = (p: StorageProviderShape) => ({
    prepare: async () => {
      recorded.length = 0
      return () => runGets(p, ops, concurrency, mode)
    }
  })
  return compare({
    name: options.bare
      ? `${label} getBytes 4 KiB in a bare Effect wrapper, c=${concurrency}`
      : `${label} getBytes 4 KiB instrumented, c=${concurrency}, ${MODE_LABELS[mode]}`,
    baseline: `${label} getBytes, not instrumented`,
    ops,
    repeats: rounds,
    warmups: 3,
    // CPU time of this process: the cost per operation, which is what instrumentation adds; on a machine shared
    // with other jobs wall time mostly measures them.
    clock: "cpu",
    // A posix read's CPU cost moves by 2x between runs of ~50 ms (the thread pool's wake-ups), in spells of a few
    // runs: many short alternating runs, the ratio of total times, a bootstrap interval, and the baseline against
    // itself as a control of what noise remains. No forced collection between runs: V8 drops optimized code with it.
    statistic: "mean",
    collectBetween: false,
    control: label === "posix",
    ...(options.target ? { target: TARGET } : {}),
    ours: side(wrapped),
    base: side(plain)
  })
}

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const results: Array<BenchResult> = []
  const dir = await fsp.mkdtemp(join(tmpdir(), "strata-bench-"))
  const sink = await startSink()
  runtimes.otlp = otlpRuntime(sink.port)
  runtimes["otlp-batch-4096"] = otlpRuntime(sink.port, { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "4096", OTEL_BSP_MAX_QUEUE_SIZE: "8192" })
  try {
    const posix = await Effect.runPromise(Posix.make({ basePath: dir }).pipe(Scope.provide(benchScope)))
    const memory = await Effect.runPromise(Memory.make())
    await Effect.runPromise(
      Effect.forEach(keys, (key) => Effect.andThen(posix.put(key, payload), memory.put(key, payload)), {
        concurrency: 16,
        discard: true
      })
    )
    // The target is for telemetry off and on; the recording tracer (no exporter) is informational.
    for (const mode of ["default", "recording", "otlp"] as const) {
      for (const concurrency of [1, 16]) {
        results.push(await bench("posix", posix, concurrency, mode, { target: mode !== "recording" }))
      }
    }
    // What larger export batches save (informational): a request's fixed cost spread over 8x the spans.
    results.push(await bench("posix", posix, 16, "otlp-batch-4096", { target: false }))
    for (const concurrency of [1, 16]) {
      results.push(await bench("posix", posix, concurrency, "default", { target: false, bare: true }))
    }
    for (const mode of ["default", "recording", "otlp"] as const) {
      results.push(await bench("memory", memory, 1, mode, { target: false }))
    }
  } finally {
    for (const runtime of Object.values(runtimes)) await runtime.dispose()
    await sink.close()
    await fsp.rm(dir, { recursive: true, force: true })
  }
  return results
}
