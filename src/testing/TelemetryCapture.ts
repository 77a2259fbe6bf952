/**
 * Captures telemetry in memory so tests can assert on it: every span that
 * Effect's tracer creates (name, ids, parent, attributes, status, times) and
 * the points of every metric in a registry of its own. No OpenTelemetry
 * involved. Reading spans or metrics first records the storage operations
 * still waiting in the instrumentation's journal (see
 * `StorageInstrumentation`), so they are all there.
 *
 * ```ts
 * it.effect("traces the read", () =>
 *   Effect.gen(function*() {
 *     yield* program
 *     const spans = yield* TelemetryCapture.spans
 *     expect(spans.map((span) => span.name)).toContain("StorageProvider.read")
 *   }).pipe(Effect.provide(TelemetryCapture.layer)))
 * ```
 *
 * @since 0.1.0
 */
import { Context, Effect, Exit, Layer, Metric, Option, Tracer } from "effect"
import { flushOperations } from "../layers/telemetry/operationJournal.ts"

/**
 * One span as recorded. `endTime`, `exit` are absent while it is open.
 *
 * @since 0.1.0
 * @category models
 */
export interface CapturedSpan {
  readonly name: string
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly kind: Tracer.SpanKind
  readonly attributes: Readonly<Record<string, unknown>>
  readonly status: "started" | "ok" | "error" | "interrupted"
  readonly startTime: bigint
  readonly endTime: bigint | undefined
}

/**
 * One metric point: a counter's count, a gauge's value, a histogram's or
 * summary's sum (with its `count`), or a frequency's occurrences of one value
 * (`attributes.value`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricPoint {
  readonly name: string
  readonly type: Metric.Metric.Type
  readonly attributes: Readonly<Record<string, string>>
  readonly value: number
  readonly count?: number
}

/**
 * The capture's state.
 *
 * @since 0.1.0
 * @category services
 */
export class TelemetryCapture extends Context.Service<TelemetryCapture, {
  readonly spans: Effect.Effect<ReadonlyArray<CapturedSpan>>
  readonly metrics: Effect.Effect<ReadonlyArray<MetricPoint>>
  readonly reset: Effect.Effect<void>
}>()("strata/testing/TelemetryCapture") {}

const statusOf = (span: Tracer.NativeSpan): CapturedSpan["status"] => {
  const status = span.status
  if (status._tag === "Started") return "started"
  if (Exit.isSuccess(status.exit)) return "ok"
  return Exit.hasInterrupts(status.exit) && status.exit.cause.reasons.every((reason) => reason._tag === "Interrupt")
    ? "interrupted"
    : "error"
}

const capture = (span: Tracer.NativeSpan): CapturedSpan => ({
  name: span.name,
  traceId: span.traceId,
  spanId: span.spanId,
  parentSpanId: Option.getOrUndefined(span.parent)?.spanId,
  kind: span.kind,
  attributes: Object.fromEntries(span.attributes),
  status: statusOf(span),
  startTime: span.startTime,
  endTime: span.status._tag === "Ended" ? span.status.endTime : undefined
})

const points = (snapshot: Metric.Metric.Snapshot): Array<MetricPoint> => {
  const base = { name: snapshot.id, type: snapshot.type, attributes: snapshot.attributes ?? {} }
  switch (snapshot.type) {
    case "Counter":
      return [{ ...base, value: Number(snapshot.state.count) }]
    case "Gauge":
      return [{ ...base, value: Number(snapshot.state.value) }]
    case "Histogram":
    case "Summary":
      return [{ ...base, value: snapshot.state.sum, count: snapshot.state.count }]
    case "Frequency":
      return [...snapshot.state.occurrences].map(([value, occurrences]) => ({
        ...base,
        attributes: { ...base.attributes, value },
        value: occurrences
      }))
  }
}

/**
 * Provides a recording tracer, a fresh metric registry and the
 * `TelemetryCapture` service that reads them.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TelemetryCapture> = Layer.effectContext(Effect.sync(() => {
  const recorded: Array<Tracer.NativeSpan> = []
  const registry: Metric.MetricRegistry = new Map()
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      recorded.push(span)
      return span
    }
  })
  const service = TelemetryCapture.of({
    spans: Effect.sync(() => {
      flushOperations()
      return recorded.map(capture)
    }),
    metrics: Effect.suspend(() => {
      flushOperations()
      return Effect.map(Effect.provideService(Metric.snapshot, Metric.MetricRegistry, registry), (snapshots) =>
        snapshots.flatMap(points))
    }),
    reset: Effect.sync(() => {
      // Storage operations noted before the reset are recorded now, so they are cleared with the rest.
      flushOperations()
      recorded.length = 0
      registry.clear()
    })
  })
  return Context.make(TelemetryCapture, service).pipe(
    Context.add(Tracer.Tracer, tracer),
    Context.add(Metric.MetricRegistry, registry)
  )
}))

/**
 * The spans recorded so far, in the order they were made (a storage
 * operation's span when its batch is recorded, after it ended).
 *
 * @since 0.1.0
 * @category accessors
 */
export const spans: Effect.Effect<ReadonlyArray<CapturedSpan>, never, TelemetryCapture> = TelemetryCapture.use((
  capture
) => capture.spans)

/**
 * The current points of every metric updated so far.
 *
 * @since 0.1.0
 * @category accessors
 */
export const metrics: Effect.Effect<ReadonlyArray<MetricPoint>, never, TelemetryCapture> = TelemetryCapture.use((
  capture
) => capture.metrics)

/**
 * Forgets the recorded spans and metrics.
 *
 * @since 0.1.0
 * @category accessors
 */
export const reset: Effect.Effect<void, never, TelemetryCapture> = TelemetryCapture.use((capture) => capture.reset)
