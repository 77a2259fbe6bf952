/**
 * The telemetry exporter layer: Effect's tracer and metrics bridged to the
 * OpenTelemetry JS SDK (`@effect/opentelemetry/NodeSdk`) and exported over
 * OTLP/HTTP (JSON) or to the console.
 *
 * Exporting never fails or slows the traced program: spans go through a
 * batch processor with a bounded queue (spans beyond `maxQueueSize` are
 * dropped; the SDK counts them internally and reports them through its
 * `diag` logger, it exposes no public counter), every export request has a
 * short time limit, and the final flush when the layer's scope closes is
 * bounded by `shutdownTimeoutMillis` even when the collector is unreachable.
 *
 * @since 0.1.0
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as OtelMetrics from "@effect/opentelemetry/OtelMetrics"
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import * as Resource from "@effect/opentelemetry/Resource"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { ConsoleMetricExporter, type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Layer } from "effect"
import type { TelemetrySettings } from "./settings.ts"

/**
 * The SDK rejects `forceFlush`/`shutdown` when the last export failed (e.g.
 * collector unreachable), and `@effect/opentelemetry` turns that rejection
 * into a defect of the layer's finalizer. Telemetry must never fail the
 * program, so failures of these calls are swallowed.
 */
class QuietSpanProcessor implements SpanProcessor {
  readonly inner: SpanProcessor
  constructor(inner: SpanProcessor) {
    this.inner = inner
  }
  onStart(...args: Parameters<SpanProcessor["onStart"]>): void {
    this.inner.onStart(...args)
  }
  onEnd(...args: Parameters<SpanProcessor["onEnd"]>): void {
    this.inner.onEnd(...args)
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush().catch(() => undefined)
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown().catch(() => undefined)
  }
}

const quietReader = <R extends MetricReader>(reader: R): R => {
  const shutdown = reader.shutdown.bind(reader)
  const forceFlush = reader.forceFlush.bind(reader)
  reader.shutdown = (options) => shutdown(options).catch(() => undefined)
  reader.forceFlush = (options) => forceFlush(options).catch(() => undefined)
  return reader
}

const spanProcessors = (settings: TelemetrySettings): Array<SpanProcessor> =>
  settings.traces.exporters.map((kind) =>
    new QuietSpanProcessor(new BatchSpanProcessor(
      kind === "otlp"
        ? new OTLPTraceExporter({ url: settings.traces.endpoint, timeoutMillis: settings.exportTimeoutMillis })
        : new ConsoleSpanExporter(),
      {
        maxQueueSize: settings.maxQueueSize,
        maxExportBatchSize: Math.min(512, settings.maxQueueSize),
        scheduledDelayMillis: 1_000,
        exportTimeoutMillis: settings.exportTimeoutMillis
      }
    ))
  )

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
export const layerFromSettings = (settings: TelemetrySettings): Layer.Layer<never> => {
  if (!settings.enabled) return Layer.empty
  const resource = Resource.layer({
    serviceName: settings.serviceName,
    serviceVersion: "0.1.0",
    attributes: { ...settings.resourceAttributes }
  })
  const processors = spanProcessors(settings)
  const readers = metricReaders(settings)
  const shutdownTimeout = settings.shutdownTimeoutMillis
  const [first, ...rest] = processors
  const tracing = first === undefined
    ? Layer.empty
    : Layer.provide(OtelTracer.layer, NodeSdk.layerTracerProvider([first, ...rest], { shutdownTimeout }))
  const [reader, ...moreReaders] = readers
  const metrics = reader === undefined
    ? Layer.empty
    : OtelMetrics.layer(() => [reader, ...moreReaders], { shutdownTimeout })
  // Layer's output is contravariant: the tracer services narrow to `never`.
  return Layer.mergeAll(tracing, metrics).pipe(Layer.provide(resource))
}
