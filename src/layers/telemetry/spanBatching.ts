/**
 * How ended spans are batched for export, read from the batch span
 * processor's variables as the OpenTelemetry SDK reads them:
 * `OTEL_BSP_MAX_QUEUE_SIZE` (spans waiting before new ones are dropped,
 * default 2048), `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (spans per request, default
 * 512, at most the queue size), `OTEL_BSP_SCHEDULE_DELAY` (milliseconds from
 * a batch's first span to its export, default 1000: the specification says
 * 5000, strata sends sooner so a running service's spans show up sooner) and
 * `OTEL_BSP_EXPORT_TIMEOUT` (milliseconds one export may take, default the
 * OTLP request limit).
 *
 * Larger batches cost less per span: each request has a fixed cost (see
 * bench/README.md, "Seventh session").
 *
 * @since 0.1.0
 */
import { wholeNumberVariable } from "./envNumber.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface SpanBatching {
  readonly maxQueueSize: number
  readonly maxExportBatchSize: number
  readonly scheduledDelayMillis: number
  /** Time limit of one export; `undefined` leaves it to the OTLP request limit. */
  readonly exportTimeoutMillis: number | undefined
}

/**
 * strata's defaults: the SDK's, but for a 1 s schedule delay.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSpanBatching: SpanBatching = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1_000,
  exportTimeoutMillis: undefined
}

/**
 * The batching the variables ask for; invalid values are ignored with a
 * warning, and a batch larger than the queue is cut to the queue's size
 * (with a warning), as the SDK does.
 *
 * @since 0.1.0
 * @category parsing
 */
export const spanBatchingSettings = (
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void
): SpanBatching => {
  const whole = (name: string, least: number, unit: string) => wholeNumberVariable(env, warn, name, least, unit)
  const maxQueueSize = whole("OTEL_BSP_MAX_QUEUE_SIZE", 1, "spans") ?? defaultSpanBatching.maxQueueSize
  let maxExportBatchSize = whole("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1, "spans")
  if (maxExportBatchSize !== undefined && maxExportBatchSize > maxQueueSize) {
    warn(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is larger than the queue (${maxQueueSize} spans): ` +
        `batches of ${maxQueueSize} are sent`
    )
    maxExportBatchSize = maxQueueSize
  }
  return {
    maxQueueSize,
    maxExportBatchSize: maxExportBatchSize ?? Math.min(defaultSpanBatching.maxExportBatchSize, maxQueueSize),
    scheduledDelayMillis: whole("OTEL_BSP_SCHEDULE_DELAY", 0, "milliseconds") ??
      defaultSpanBatching.scheduledDelayMillis,
    exportTimeoutMillis: whole("OTEL_BSP_EXPORT_TIMEOUT", 1, "milliseconds")
  }
}
