/**
 * The telemetry exporter layer: Effect's tracer and metrics bridged to the
 * OpenTelemetry JS SDK and exported over OTLP/HTTP or to the console (stderr).
 * Spans are made by strata's export tracer (see `otelTracerLayer.ts`); over
 * OTLP protobuf (the default) it encodes and batches them itself
 * (`spanBatchExporter.ts`), for JSON and the console it hands them to the
 * SDK's span processors. The SDK tracer provider is still built, with the
 * same exporters, for the auto-instrumentation case; it owns its
 * processors' flush and shutdown. Metrics go as OTLP/HTTP JSON.
 *
 * Exporting never fails or slows the traced program: spans go through a
 * batch processor with a bounded queue (spans beyond `batching.maxQueueSize` are
 * dropped, and counted: the SDK keeps its own count private, so ours is
 * sampled spans ended minus spans handed to the exporter, reported through
 * `onDroppedSpans` when the layer closes), every export request has a short
 * time limit, and the final flush when the layer's scope closes is bounded
 * by `shutdownTimeoutMillis` even when the collector is unreachable. What
 * failed exports lost is counted per signal and told through
 * `onExportFailed` when the layer closes (`exportFailures.ts`).
 *
 * @since 0.1.0
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as OtelMetrics from "@effect/opentelemetry/OtelMetrics"
import * as Resource from "@effect/opentelemetry/Resource"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { OTLPTraceExporter as OTLPProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto"
import type { Resource as OtelResource } from "@opentelemetry/resources"
import { type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor
} from "@opentelemetry/sdk-trace-base"
import { Effect, Layer } from "effect"
import type { Scope } from "effect"
import { StderrMetricExporter, StderrSpanExporter } from "./consoleExporters.ts"
import { type ExportFailure, ExportFailures } from "./exportFailures.ts"
import { processorSink, type ProcessorSinkOptions, type SpanSink } from "./exportTracer.ts"
import { requestFrame } from "./otlpSpanEncoder.ts"
import { flushOperations } from "./operationJournal.ts"
import * as OtelTracerLayer from "./otelTracerLayer.ts"
import { makeSampler } from "./sampler.ts"
import type { TelemetrySettings } from "./settings.ts"
import { otlpHttpSender, SpanBatchExporter } from "./spanBatchExporter.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface TelemetryLayerOptions {
  /** Called once when the layer closes, if spans were dropped because the export queue was full. */
  readonly onDroppedSpans?: ((count: number) => void) | undefined
  /** Called once per signal and exporter when the layer closes, if exports failed or went unanswered. */
  readonly onExportFailed?: ((failure: ExportFailure) => void) | undefined
}

/** Sampled spans that ended, and spans the exporter was given. */
interface SpanCounts {
  ended: number
  exported: number
}

const countingExporter = (inner: SpanExporter, counts: SpanCounts, failures: ExportFailures): SpanExporter => ({
  export: (spans, done) => {
    counts.exported += spans.length
    inner.export(spans, failures.track(spans.length, done))
  },
  shutdown: () => inner.shutdown(),
  ...(inner.forceFlush === undefined ? {} : { forceFlush: () => inner.forceFlush!() })
})

/**
 * Counts what goes in, so drops and failed exports can be told after the
 * final flush (the trace export's last step: the export tracer's own
 * exporter closes before the tracer provider shuts this down). And the
 * SDK rejects `forceFlush`/`shutdown` when the last export failed (e.g.
 * collector unreachable), which `@effect/opentelemetry` turns into a defect
 * of the layer's finalizer: telemetry must never fail the program, so
 * failures of these calls are swallowed.
 */
class GuardedSpanProcessor implements SpanProcessor {
  readonly inner: SpanProcessor
  readonly counts: SpanCounts
  readonly failures: ExportFailures
  readonly options: TelemetryLayerOptions
  constructor(inner: SpanProcessor, counts: SpanCounts, failures: ExportFailures, options: TelemetryLayerOptions) {
    this.inner = inner
    this.counts = counts
    this.failures = failures
    this.options = options
  }
  onStart(...args: Parameters<SpanProcessor["onStart"]>): void {
    this.inner.onStart(...args)
  }
  onEnd(span: ReadableSpan): void {
    // The batch processor ignores unsampled spans; they are not drops.
    if ((span.spanContext().traceFlags & 1) === 1) this.counts.ended++
    this.inner.onEnd(span)
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush().catch(() => undefined)
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown().catch(() => undefined).then(() => {
      const dropped = this.counts.ended - this.counts.exported
      if (dropped > 0) this.options.onDroppedSpans?.(dropped)
      this.failures.report(this.options.onExportFailed)
    })
  }
}

/** A reader whose flush and shutdown never reject, telling what failed exports lost once it has shut down. */
const quietReader = <R extends MetricReader>(
  reader: R,
  failures: ExportFailures,
  onExportFailed: TelemetryLayerOptions["onExportFailed"]
): R => {
  const shutdown = reader.shutdown.bind(reader)
  const forceFlush = reader.forceFlush.bind(reader)
  reader.shutdown = (options) =>
    shutdown(options).catch(() => undefined).then(() => failures.report(onExportFailed))
  reader.forceFlush = (options) => forceFlush(options).catch(() => undefined)
  return reader
}

/** One trace exporter: its SDK span processor and, for OTLP protobuf, the export tracer's own batch exporter. */
interface TraceExport {
  readonly processor: SpanProcessor
  readonly protobuf: boolean
  /** Shared by both paths, told once by the processor when it shuts down. */
  readonly failures: ExportFailures
}

const traceExports = (settings: TelemetrySettings, options: TelemetryLayerOptions): Array<TraceExport> =>
  settings.traces.exporters.map((kind) => {
    const counts: SpanCounts = { ended: 0, exported: 0 }
    const failures = new ExportFailures("traces", kind === "console" ? "console" : settings.traces.endpoint)
    const config = { url: settings.traces.endpoint, timeoutMillis: traceExportTimeoutMillis(settings) }
    const protobuf = kind === "otlp" && settings.tracesProtocol === "http/protobuf"
    const exporter = kind === "console"
      ? new StderrSpanExporter()
      : protobuf
      ? new OTLPProtoTraceExporter(config)
      : new OTLPTraceExporter(config)
    const processor = new GuardedSpanProcessor(
      new BatchSpanProcessor(countingExporter(exporter, counts, failures), {
        maxQueueSize: settings.batching.maxQueueSize,
        maxExportBatchSize: settings.batching.maxExportBatchSize,
        scheduledDelayMillis: settings.batching.scheduledDelayMillis,
        exportTimeoutMillis: traceExportTimeoutMillis(settings)
      }),
      counts,
      failures,
      options
    )
    return { processor, protobuf, failures }
  })

/** One span export's time limit: the OTLP request limit, or the batch processor's when it is shorter. */
const traceExportTimeoutMillis = (settings: TelemetrySettings) =>
  Math.min(settings.traces.timeoutMillis, settings.batching.exportTimeoutMillis ?? Infinity)

/**
 * The export tracer's sinks: its own batch exporter for OTLP protobuf (closed
 * with the layer: a final flush bounded by the shutdown time limit), the SDK
 * processor otherwise.
 */
const exportSinks = (
  exports: ReadonlyArray<TraceExport>,
  settings: TelemetrySettings,
  options: TelemetryLayerOptions
) =>
(resource: OtelResource, scope: ProcessorSinkOptions["scope"]): Effect.Effect<Array<SpanSink>, never, Scope.Scope> =>
  Effect.forEach(exports, ({ failures, processor, protobuf }) => {
    if (!protobuf) {
      return Effect.succeed(processorSink([processor], { resource, scope, linkCount: settings.spanLimits.linkCount }))
    }
    const sender = otlpHttpSender(settings.traces.endpoint, traceExportTimeoutMillis(settings))
    const exporter = new SpanBatchExporter({
      maxQueueSize: settings.batching.maxQueueSize,
      maxExportBatchSize: settings.batching.maxExportBatchSize,
      scheduledDelayMillis: settings.batching.scheduledDelayMillis,
      linkCount: settings.spanLimits.linkCount,
      frame: requestFrame(resource.attributes, scope)
    }, sender.send, (result, spans) => failures.noteResult(result, spans))
    const close = Effect.promise(() => exporter.forceFlush().then(() => sender.shutdown()).catch(() => undefined)).pipe(
      Effect.timeoutOption(settings.shutdownTimeoutMillis),
      Effect.andThen(Effect.sync(() => {
        if (exporter.dropped > 0) options.onDroppedSpans?.(exporter.dropped)
        // Told with the processor's, when the tracer provider shuts it down after this.
        const unsent = exporter.unsent
        if (unsent > 0) failures.lost(unsent, `no answer within the ${settings.shutdownTimeoutMillis} ms shutdown time limit`)
      }))
    )
    return Effect.as(Effect.addFinalizer(() => close), exporter)
  })

const metricReaders = (settings: TelemetrySettings, options: TelemetryLayerOptions): Array<MetricReader> =>
  settings.metrics.exporters.map((kind) => {
    const exporter = kind === "otlp"
      ? new OTLPMetricExporter({ url: settings.metrics.endpoint, timeoutMillis: settings.metrics.timeoutMillis })
      : new StderrMetricExporter()
    const failures = new ExportFailures("metrics", kind === "otlp" ? settings.metrics.endpoint : "console")
    // Patched on the instance: the reader also calls the exporter's optional aggregation selectors.
    const exportMetrics = exporter.export.bind(exporter)
    exporter.export = (metrics, done) => exportMetrics(metrics, failures.track(1, done))
    return quietReader(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: settings.metrics.exportIntervalMillis,
        exportTimeoutMillis: settings.metrics.exportTimeoutMillis
      }),
      failures,
      options.onExportFailed
    )
  })

/**
 * The exporter layer for `settings`. Disabled telemetry is `Layer.empty`: no
 * SDK objects, no cost. Provide it outermost: buffered data is flushed when
 * its scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromSettings = (settings: TelemetrySettings, options: TelemetryLayerOptions = {}): Layer.Layer<never> => {
  if (!settings.enabled) return Layer.empty
  const resource = Resource.layer({
    serviceName: settings.serviceName,
    serviceVersion: "0.1.0",
    attributes: { ...settings.resourceAttributes }
  })
  const exports = traceExports(settings, options)
  const processors = exports.map((entry) => entry.processor)
  const readers = metricReaders(settings, options)
  const shutdownTimeout = settings.shutdownTimeoutMillis
  const [first, ...rest] = processors
  const tracing = first === undefined
    ? Layer.empty
    : Layer.provide(
      OtelTracerLayer.layer(exportSinks(exports, settings, options), settings.sampler, settings.spanLimits),
      NodeSdk.layerTracerProvider([first, ...rest], {
        shutdownTimeout,
        sampler: makeSampler(settings.sampler),
        spanLimits: {
          attributeCountLimit: settings.spanLimits.attributeCount,
          attributeValueLengthLimit: settings.spanLimits.attributeValueLength,
          eventCountLimit: settings.spanLimits.eventCount,
          linkCountLimit: settings.spanLimits.linkCount
        }
      })
    )
  const [reader, ...moreReaders] = readers
  const metrics = reader === undefined
    ? Layer.empty
    : OtelMetrics.layer(() => [reader, ...moreReaders], { shutdownTimeout })
  // Built last, so closed first: the storage operations still waiting in the journal reach the exporters' final flush.
  const flushJournal = Layer.effectDiscard(Effect.addFinalizer(() => Effect.sync(flushOperations)))
  // Layer's output is contravariant: the tracer services narrow to `never`.
  return flushJournal.pipe(Layer.provideMerge(Layer.mergeAll(tracing, metrics)), Layer.provide(resource))
}
