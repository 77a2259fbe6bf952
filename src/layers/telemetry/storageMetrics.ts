/**
 * MSC's storage metrics under strata's prefix, one series per (provider,
 * operation, status), precomputed so an update is a map lookup and a write.
 *
 * | strata | MSC | kind | unit | attributes | when |
 * | --- | --- | --- | --- | --- | --- |
 * | `strata.storage.latency` | `multistorageclient.latency` | gauge | `s` | base + status | every op end |
 * | `strata.storage.data_size` | `multistorageclient.data_size` | gauge | `By` | base + status | successful read/write/copy |
 * | `strata.storage.data_rate` | `multistorageclient.data_rate` | gauge | `By/s` | base + status | same, when latency > 0 |
 * | `strata.storage.request.sum` | `multistorageclient.request.sum` | counter | `{request}` | base | every op start |
 * | `strata.storage.response.sum` | `multistorageclient.response.sum` | counter | `{response}` | base + status | every op end |
 * | `strata.storage.data_size.sum` | `multistorageclient.data_size.sum` | counter | `By` | base + status | successful read/write/copy |
 *
 * Attributes: `strata.version` (MSC `multistorageclient.version`),
 * `strata.storage.provider` (`multistorageclient.provider`),
 * `strata.storage.operation` (`multistorageclient.operation`: read, write,
 * copy, delete, info, list), `strata.storage.status`
 * (`multistorageclient.status`: `success` or `error.<Reason>`, the
 * `StorageError` reason where MSC has the exception class name), plus the
 * user's attributes. Effect metrics have no unit field: its OTLP exporter
 * reads the unit from a `unit` attribute, which is therefore set too.
 *
 * @since 0.1.0
 */
import { Metric } from "effect"
import type { Context } from "effect"

/**
 * The strata version reported as `strata.version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const STRATA_VERSION = "0.1.0"

/**
 * MSC's operation names.
 *
 * @since 0.1.0
 * @category models
 */
export type StorageOperation = "read" | "write" | "copy" | "delete" | "info" | "list"

/**
 * The metric names, in MSC's order.
 *
 * @since 0.1.0
 * @category constants
 */
export const StorageMetricNames = {
  latency: "strata.storage.latency",
  dataSize: "strata.storage.data_size",
  dataRate: "strata.storage.data_rate",
  requestSum: "strata.storage.request.sum",
  responseSum: "strata.storage.response.sum",
  dataSizeSum: "strata.storage.data_size.sum"
} as const

interface Outcome {
  readonly latency: Metric.Gauge<number>
  readonly dataSize: Metric.Gauge<number>
  readonly dataRate: Metric.Gauge<number>
  readonly response: Metric.Counter<number>
  readonly dataSizeSum: Metric.Counter<number>
}

/**
 * The series of one operation of one provider.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationMetrics {
  /** `count` operations started: `request.sum` += count. */
  readonly started: (context: Context.Context<never>, count: number) => void
  /**
   * `count` operations ended with `status`, the last of them taking
   * `seconds`: latency and response count; with data moved, the last such
   * operation's size and rate and the total of their bytes.
   */
  readonly ended: (
    context: Context.Context<never>,
    status: string,
    count: number,
    seconds: number,
    moved: MovedData | undefined,
    bytesTotal: number
  ) => void
}

/**
 * The bytes one operation moved and how long it took.
 *
 * @since 0.1.0
 * @category models
 */
export interface MovedData {
  readonly bytes: number | undefined
  readonly seconds: number
}

type Attributes = Readonly<Record<string, string>>

const gauge = (name: string, unit: string, description: string, attributes: Attributes) =>
  Metric.gauge(name, { description, attributes: { ...attributes, unit } })

const counter = (name: string, unit: string, description: string, attributes: Attributes) =>
  Metric.counter(name, { description, incremental: true, attributes: { ...attributes, unit } })

const makeOutcome = (attributes: Attributes): Outcome => ({
  latency: gauge(StorageMetricNames.latency, "s", "Latency of one storage operation", attributes),
  dataSize: gauge(StorageMetricNames.dataSize, "By", "Bytes moved by one storage operation", attributes),
  dataRate: gauge(StorageMetricNames.dataRate, "By/s", "Bytes per second of one storage operation", attributes),
  response: counter(StorageMetricNames.responseSum, "{response}", "Storage operations ended", attributes),
  dataSizeSum: counter(StorageMetricNames.dataSizeSum, "By", "Bytes moved by storage operations", attributes)
})

/**
 * The metrics of one provider: `base` holds the user attributes, version and
 * provider type; each operation's series are made on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStorageMetrics = (base: Attributes): (operation: StorageOperation) => OperationMetrics => {
  const byOperation = new Map<StorageOperation, OperationMetrics>()
  const make = (operation: StorageOperation): OperationMetrics => {
    const attributes = { ...base, "strata.storage.operation": operation }
    const request = counter(StorageMetricNames.requestSum, "{request}", "Storage operations started", attributes)
    const outcomes = new Map<string, Outcome>()
    const outcome = (status: string): Outcome => {
      let found = outcomes.get(status)
      if (found === undefined) {
        found = makeOutcome({ ...attributes, "strata.storage.status": status })
        outcomes.set(status, found)
      }
      return found
    }
    return {
      started: (context, count) => request.updateUnsafe(count, context),
      ended: (context, status, count, seconds, moved, bytesTotal) => {
        const series = outcome(status)
        series.latency.updateUnsafe(seconds, context)
        series.response.updateUnsafe(count, context)
        if (moved?.bytes === undefined) return
        series.dataSize.updateUnsafe(moved.bytes, context)
        series.dataSizeSum.updateUnsafe(bytesTotal, context)
        if (moved.seconds > 0) series.dataRate.updateUnsafe(moved.bytes / moved.seconds, context)
      }
    }
  }
  return (operation) => {
    let found = byOperation.get(operation)
    if (found === undefined) {
      found = make(operation)
      byOperation.set(operation, found)
    }
    return found
  }
}
