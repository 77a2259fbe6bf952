/**
 * The telemetry exporter layer: Effect's tracer and metrics bridged to the
 * OpenTelemetry JS SDK and exported over OTLP/HTTP (JSON) or to the console.
 * Spans are made by strata's export tracer and handed to the SDK's span
 * processors when they end (see `otelTracerLayer.ts`); the SDK tracer
 * provider is still built, for the auto-instrumentation case and because it
 * owns the processors' flush and shutdown.
 *
 * Exporting never fails or slows the traced program: spans go through a
 * batch processor with a bounded queue (spans beyond `maxQueueSize` are
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
import { ConsoleMetricExporter, type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor
} from "@opentelemetry/sdk-trace-base"
import { Layer } from "effect"
import * as OtelTracerLayer from "./otelTracerLayer.ts"
import { makeSampler } from "./sampler.ts"
import type { TelemetrySettings } from "./settings.ts"

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

const spanProcessors = (settings: TelemetrySettings, options: TelemetryLayerOptions): Array<SpanProcessor> =>
  settings.traces.exporters.map((kind) => {
    const counts: SpanCounts = { ended: 0, exported: 0 }
    const exporter = kind === "otlp"
      ? new OTLPTraceExporter({ url: settings.traces.endpoint, timeoutMillis: settings.exportTimeoutMillis })
      : new ConsoleSpanExporter()
    return new GuardedSpanProcessor(
      new BatchSpanProcessor(countingExporter(exporter, counts), {
        maxQueueSize: settings.maxQueueSize,
        maxExportBatchSize: Math.min(512, settings.maxQueueSize),
        scheduledDelayMillis: 1_000,
        exportTimeoutMillis: settings.exportTimeoutMillis
      }),
      counts,
      options.onDroppedSpans
    )
  })

const metricReaders = (settings: TelemetrySettings): Array<MetricReader> =>
  settings.metrics.exporters.map((kind) =>
    quietReader(new PeriodicExportingMetricReader({
      exporter: kind === "otlp"
        ? new OTLPMetricExporter({ url: settings.metrics.endpoint, timeoutMillis: settings.exportTimeoutMillis })
        : new ConsoleMetricExporter(),
      exportIntervalMillis: settings.metrics.exportIntervalMillis,
      exportTimeoutMillis: Math.min(settings.exportTimeoutMillis, settings.metrics.exportIntervalMillis)
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
  const processors = spanProcessors(settings, options)
  const readers = metricReaders(settings)
  const shutdownTimeout = settings.shutdownTimeoutMillis
  const [first, ...rest] = processors
  const tracing = first === undefined
    ? Layer.empty
    : Layer.provide(
      OtelTracerLayer.layer(processors, settings.sampler, settings.spanLimits),
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
  // Layer's output is contravariant: the tracer services narrow to `never`.
  return Layer.mergeAll(tracing, metrics).pipe(Layer.provide(resource))
}
