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
 * by `shutdownTimeoutMillis` even when the collector is unreachable.
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
}

/** Sampled spans that ended, and spans the exporter was given. */
interface SpanCounts {
  ended: number
  exported: number
}

const countingExporter = (inner: SpanExporter, counts: SpanCounts): SpanExporter => ({
  export: (spans, done) => {
    counts.exported += spans.length
    inner.export(spans, done)
  },
  shutdown: () => inner.shutdown(),
  ...(inner.forceFlush === undefined ? {} : { forceFlush: () => inner.forceFlush!() })
})

/**
 * Counts what goes in, so drops can be told after the final flush. And the
 * SDK rejects `forceFlush`/`shutdown` when the last export failed (e.g.
 * collector unreachable), which `@effect/opentelemetry` turns into a defect
 * of the layer's finalizer: telemetry must never fail the program, so
 * failures of these calls are swallowed.
 */
class GuardedSpanProcessor implements SpanProcessor {
  readonly inner: SpanProcessor
  readonly counts: SpanCounts
  readonly onDropped: ((count: number) => void) | undefined
  constructor(inner: SpanProcessor, counts: SpanCounts, onDropped: ((count: number) => void) | undefined) {
    this.inner = inner
    this.counts = counts
    this.onDropped = onDropped
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
      if (dropped > 0) this.onDropped?.(dropped)
    })
  }
}

const quietReader = <R extends MetricReader>(reader: R): R => {
  const shutdown = reader.shutdown.bind(reader)
  const forceFlush = reader.forceFlush.bind(reader)
  reader.shutdown = (options) => shutdown(options).catch(() => undefined)
  reader.forceFlush = (options) => forceFlush(options).catch(() => undefined)
  return reader
}

/** One trace exporter: its SDK span processor and, for OTLP protobuf, the export tracer's own batch exporter. */
interface TraceExport {
  readonly processor: SpanProcessor
  readonly protobuf: boolean
}

const traceExports = (settings: TelemetrySettings, options: TelemetryLayerOptions): Array<TraceExport> =>
  settings.traces.exporters.map((kind) => {
    const counts: SpanCounts = { ended: 0, exported: 0 }
    const config = { url: settings.traces.endpoint, timeoutMillis: traceExportTimeoutMillis(settings) }
    const protobuf = kind === "otlp" && settings.tracesProtocol === "http/protobuf"
    const exporter = kind === "console"
      ? new StderrSpanExporter()
      : protobuf
      ? new OTLPProtoTraceExporter(config)
      : new OTLPTraceExporter(config)
    const processor = new GuardedSpanProcessor(
      new BatchSpanProcessor(countingExporter(exporter, counts), {
        maxQueueSize: settings.batching.maxQueueSize,
        maxExportBatchSize: settings.batching.maxExportBatchSize,
        scheduledDelayMillis: settings.batching.scheduledDelayMillis,
        exportTimeoutMillis: traceExportTimeoutMillis(settings)
      }),
      counts,
      options.onDroppedSpans
    )
    return { processor, protobuf }
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
  Effect.forEach(exports, ({ processor, protobuf }) => {
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
    }, sender.send)
    const close = Effect.promise(() => exporter.forceFlush().then(() => sender.shutdown()).catch(() => undefined)).pipe(
      Effect.timeoutOption(settings.shutdownTimeoutMillis),
      Effect.andThen(Effect.sync(() => {
        if (exporter.dropped > 0) options.onDroppedSpans?.(exporter.dropped)
      }))
    )
    return Effect.as(Effect.addFinalizer(() => close), exporter)
  })

const metricReaders = (settings: TelemetrySettings): Array<MetricReader> =>
  settings.metrics.exporters.map((kind) =>
    quietReader(new PeriodicExportingMetricReader({
      exporter: kind === "otlp"
        ? new OTLPMetricExporter({ url: settings.metrics.endpoint, timeoutMillis: settings.metrics.timeoutMillis })
        : new StderrMetricExporter(),
      exportIntervalMillis: settings.metrics.exportIntervalMillis,
      exportTimeoutMillis: settings.metrics.exportTimeoutMillis
    }))
  )

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
  const readers = metricReaders(settings)
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
