/**
 * The `console` exporters (`OTEL_TRACES_EXPORTER=console`,
 * `OTEL_METRICS_EXPORTER=console`), writing to standard error. The SDK's
 * console exporters print to standard output, where a command's result goes:
 * `strata ls --json | jq` would read spans after the JSON. These print what
 * the SDK's print (the same fields, `util.inspect`ed), one record per span or
 * metric, to stderr instead.
 *
 * @since 0.1.0
 */
import { ExportResultCode, hrTimeToMicroseconds } from "@opentelemetry/core"
import type { ExportResult } from "@opentelemetry/core"
import { ConsoleMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import { inspect } from "node:util"

const print = (record: unknown, depth: number | null): void => {
  process.stderr.write(`${inspect(record, { depth, colors: process.stderr.hasColors?.() ?? false })}\n`)
}

/**
 * @since 0.1.0
 * @category exporters
 */
export class StderrSpanExporter implements SpanExporter {
  export(spans: Array<ReadableSpan>, done: (result: ExportResult) => void): void {
    for (const span of spans) {
      const context = span.spanContext()
      print({
        resource: { attributes: span.resource.attributes },
        instrumentationScope: span.instrumentationScope,
        traceId: context.traceId,
        parentSpanContext: span.parentSpanContext,
        traceState: context.traceState?.serialize(),
        name: span.name,
        id: context.spanId,
        kind: span.kind,
        timestamp: hrTimeToMicroseconds(span.startTime),
        duration: hrTimeToMicroseconds(span.duration),
        attributes: span.attributes,
        status: span.status,
        events: span.events,
        links: span.links
      }, 3)
    }
    done({ code: ExportResultCode.SUCCESS })
  }
  shutdown(): Promise<void> {
    return Promise.resolve()
  }
  forceFlush(): Promise<void> {
    return Promise.resolve()
  }
}

/**
 * The SDK's console metric exporter (temporality, shutdown) printing to stderr.
 *
 * @since 0.1.0
 * @category exporters
 */
export class StderrMetricExporter extends ConsoleMetricExporter {
  private closed = false
  override export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    // As the SDK's: an export after shutdown fails.
    if (this.closed) return done({ code: ExportResultCode.FAILED })
    for (const scopeMetrics of metrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        print({ descriptor: metric.descriptor, dataPointType: metric.dataPointType, dataPoints: metric.dataPoints }, null)
      }
    }
    done({ code: ExportResultCode.SUCCESS })
  }
  override shutdown(): Promise<void> {
    this.closed = true
    return super.shutdown()
  }
}
