/**
 * Telemetry settings, read the OpenTelemetry way: `OTEL_*` environment
 * variables first, then the config file's `opentelemetry.metrics` section
 * (MSC format). Reading never fails: every invalid value gives one warning
 * line and falls back to its default. With nothing configured, telemetry is
 * off.
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"
import { defaultSampler, samplerSettings } from "./sampler.ts"
import type { SamplerSettings } from "./sampler.ts"
import { defaultSpanBatching, type SpanBatching, spanBatchingSettings } from "./spanBatching.ts"
import { defaultSpanLimits, type SpanLimits, spanLimitsSettings } from "./spanLimits.ts"

/**
 * Where one signal (traces or metrics) goes. An empty `exporters` list means
 * the signal is off.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignalSettings {
  readonly exporters: ReadonlyArray<"otlp" | "console">
  /** The full OTLP/HTTP URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  readonly endpoint: string
  /**
   * Time limit of one OTLP request of this signal (`OTEL_EXPORTER_OTLP_<SIGNAL>_TIMEOUT`, else
   * `OTEL_EXPORTER_OTLP_TIMEOUT`; default 2000 ms).
   */
  readonly timeoutMillis: number
}

/**
 * Everything the telemetry layer needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface TelemetrySettings {
  /** True when at least one signal has an exporter. */
  readonly enabled: boolean
  readonly serviceName: string
  readonly resourceAttributes: Readonly<Record<string, string>>
  readonly traces: SignalSettings
  readonly metrics: SignalSettings & {
    readonly exportIntervalMillis: number
    /**
     * Time limit of one collection and export by the metric reader (`OTEL_METRIC_EXPORT_TIMEOUT`, else the
     * file's `reader.options.export_timeout_millis`, else the request limit); never above the interval.
     */
    readonly exportTimeoutMillis: number
  }
  /** How ended spans wait and go (`OTEL_BSP_*`): queue bound, batch size, delay, export limit. */
  readonly batching: SpanBatching
  /** Time limit of the final flush when the layer's scope closes. */
  readonly shutdownTimeoutMillis: number
  /** Which traces are recorded (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`). */
  readonly sampler: SamplerSettings
  /** Attributes, events and links kept per span (`OTEL_SPAN_*_LIMIT`). */
  readonly spanLimits: SpanLimits
  /**
   * How traces go over OTLP/HTTP (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else
   * `OTEL_EXPORTER_OTLP_PROTOCOL`): protobuf, the specification's default
   * and MSC's, or JSON. Metrics always go as JSON.
   */
  readonly tracesProtocol: "http/protobuf" | "http/json"
}

/**
 * Settings plus one warning line per invalid value that was ignored.
 *
 * @since 0.1.0
 * @category models
 */
export interface TelemetrySettingsResult {
  readonly settings: TelemetrySettings
  readonly warnings: ReadonlyArray<string>
}

/**
 * The settings of disabled telemetry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const disabledSettings: TelemetrySettings = {
  enabled: false,
  serviceName: "strata",
  resourceAttributes: {},
  traces: { exporters: [], endpoint: "http://localhost:4318/v1/traces", timeoutMillis: 2_000 },
  metrics: {
    exporters: [],
    endpoint: "http://localhost:4318/v1/metrics",
    timeoutMillis: 2_000,
    exportIntervalMillis: 60_000,
    exportTimeoutMillis: 2_000
  },
  batching: defaultSpanBatching,
  shutdownTimeoutMillis: 2_000,
  sampler: defaultSampler,
  spanLimits: defaultSpanLimits,
  tracesProtocol: "http/protobuf"
}

type Env = Readonly<Record<string, string | undefined>>

const record = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  Predicate.isObject(value) ? value : undefined

const nonEmpty = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

const validUrl = (value: string): boolean => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

const signalUrl = (base: string, signal: "traces" | "metrics"): string =>
  `${base.replace(/\/+$/, "")}/v1/${signal}`

/**
 * Reads telemetry settings from `env` (`OTEL_*`) and the config file's
 * `opentelemetry` section (as kept in `StorageConfig.opentelemetry`).
 * Environment variables win over the file.
 *
 * @since 0.1.0
 * @category constructors
 */
export const telemetrySettings = (
  env: Env,
  configSection?: Readonly<Record<string, unknown>> | undefined
): TelemetrySettingsResult => {
  const warnings: Array<string> = []
  const warn = (message: string) => warnings.push(message)

  const url = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined
    if (validUrl(value)) return value
    // A user name and password before "@" are not repeated in the warning.
    warn(`ignoring ${name}=${JSON.stringify(value.replace(/\/\/[^/@]*@/, "//***@"))}: not an http(s) URL`)
    return undefined
  }
  const envUrl = (name: string) => url(name, nonEmpty(env[name]))

  const millis = (name: string, value: unknown): number | undefined => {
    if (value === undefined || value === null || value === "") return undefined
    const number = typeof value === "number" ? value : Number(String(value).trim())
    if (Number.isFinite(number) && number > 0) return number
    warn(`ignoring ${name}=${JSON.stringify(value)}: not a positive number of milliseconds`)
    return undefined
  }

  const exporters = (name: string, value: string | undefined): ReadonlyArray<"otlp" | "console"> | undefined => {
    if (value === undefined) return undefined
    const kinds = new Set<"otlp" | "console">()
    let valid = false
    for (const entry of value.split(",").map((part) => part.trim().toLowerCase()).filter((part) => part !== "")) {
      if (entry === "otlp" || entry === "console") {
        kinds.add(entry)
        valid = true
      } else if (entry === "none") {
        valid = true
      } else {
        warn(`ignoring ${name} entry ${JSON.stringify(entry)}: expected otlp, console or none`)
      }
    }
    return valid ? [...kinds] : undefined
  }

  // OTEL_SDK_DISABLED
  const disabledValue = nonEmpty(env["OTEL_SDK_DISABLED"])?.toLowerCase()
  if (disabledValue !== undefined && disabledValue !== "true" && disabledValue !== "false") {
    warn(`ignoring OTEL_SDK_DISABLED=${JSON.stringify(env["OTEL_SDK_DISABLED"])}: expected true or false`)
  }
  const sdkDisabled = disabledValue === "true"

  // The config file's opentelemetry.metrics section.
  const metricsSection = record(configSection?.["metrics"])
  const fileExporter = record(metricsSection?.["exporter"])
  const fileReader = record(record(metricsSection?.["reader"])?.["options"])
  const fileExporterType = fileExporter?.["type"]
  let fileMetricExporters: ReadonlyArray<"otlp" | "console"> | undefined
  if (fileExporterType === "otlp" || fileExporterType === "console") fileMetricExporters = [fileExporterType]
  else if (fileExporterType !== undefined) {
    warn(`ignoring opentelemetry.metrics.exporter.type ${JSON.stringify(fileExporterType)}: expected otlp or console`)
  }
  const fileEndpointValue = record(fileExporter?.["options"])?.["endpoint"]
  const fileEndpoint = typeof fileEndpointValue === "string" || fileEndpointValue === undefined
    ? url("opentelemetry.metrics.exporter.options.endpoint", fileEndpointValue)
    : (warn("ignoring opentelemetry.metrics.exporter.options.endpoint: not a string"), undefined)

  // Endpoints: the signal's own variable, then the generic one (+ /v1/<signal>), then the file.
  const base = envUrl("OTEL_EXPORTER_OTLP_ENDPOINT")
  const tracesUrl = envUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? (base && signalUrl(base, "traces"))
  const metricsUrl = envUrl("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") ?? (base && signalUrl(base, "metrics")) ??
    fileEndpoint

  // Exporters: explicit choice, else otlp when an endpoint is configured, else off.
  const tracesExporters = exporters("OTEL_TRACES_EXPORTER", nonEmpty(env["OTEL_TRACES_EXPORTER"])) ??
    (tracesUrl !== undefined ? ["otlp" as const] : [])
  const metricsExporters = exporters("OTEL_METRICS_EXPORTER", nonEmpty(env["OTEL_METRICS_EXPORTER"])) ??
    fileMetricExporters ?? (metricsUrl !== undefined ? ["otlp" as const] : [])

  const envMillis = (name: string) => millis(name, nonEmpty(env[name]))
  const exportIntervalMillis = envMillis("OTEL_METRIC_EXPORT_INTERVAL") ??
    millis("opentelemetry.metrics.reader.options.export_interval_millis", fileReader?.["export_interval_millis"]) ??
    disabledSettings.metrics.exportIntervalMillis
  const requestTimeout = envMillis("OTEL_EXPORTER_OTLP_TIMEOUT")
  const tracesTimeoutMillis = envMillis("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? requestTimeout ??
    disabledSettings.traces.timeoutMillis
  const metricsTimeoutMillis = envMillis("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT") ?? requestTimeout ??
    disabledSettings.metrics.timeoutMillis
  // The SDK's reader refuses a time limit longer than its interval.
  const metricsExportTimeoutMillis = Math.min(
    envMillis("OTEL_METRIC_EXPORT_TIMEOUT") ??
      millis("opentelemetry.metrics.reader.options.export_timeout_millis", fileReader?.["export_timeout_millis"]) ??
      metricsTimeoutMillis,
    exportIntervalMillis
  )

  const protocol = (name: string): "http/protobuf" | "http/json" | undefined => {
    const value = nonEmpty(env[name])
    if (value === undefined) return undefined
    if (value === "http/protobuf" || value === "http/json") return value
    warn(
      value === "grpc"
        ? `ignoring ${name}=grpc: strata exports over OTLP/HTTP (http/protobuf or http/json)`
        : `ignoring ${name}=${JSON.stringify(value)}: expected http/protobuf or http/json`
    )
    return undefined
  }
  const tracesProtocol = protocol("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? protocol("OTEL_EXPORTER_OTLP_PROTOCOL") ??
    disabledSettings.tracesProtocol

  const resourceAttributes = parseResourceAttributes(env["OTEL_RESOURCE_ATTRIBUTES"], warn)
  const serviceName = nonEmpty(env["OTEL_SERVICE_NAME"]) ?? resourceAttributes["service.name"] ?? "strata"

  const traces: SignalSettings = {
    exporters: sdkDisabled ? [] : tracesExporters,
    endpoint: tracesUrl ?? disabledSettings.traces.endpoint,
    timeoutMillis: tracesTimeoutMillis
  }
  const metrics = {
    exporters: sdkDisabled ? [] : metricsExporters,
    endpoint: metricsUrl ?? disabledSettings.metrics.endpoint,
    timeoutMillis: metricsTimeoutMillis,
    exportIntervalMillis,
    exportTimeoutMillis: metricsExportTimeoutMillis
  }
  return {
    settings: {
      ...disabledSettings,
      enabled: traces.exporters.length > 0 || metrics.exporters.length > 0,
      serviceName,
      resourceAttributes,
      traces,
      metrics,
      sampler: samplerSettings(env, warn),
      spanLimits: spanLimitsSettings(env, warn),
      batching: spanBatchingSettings(env, warn),
      tracesProtocol
    },
    warnings
  }
}

/**
 * `OTEL_RESOURCE_ATTRIBUTES`: `k=v,k=v`, keys and values trimmed and
 * percent-decoded. An entry that is malformed is skipped with a warning.
 */
const parseResourceAttributes = (
  value: string | undefined,
  warn: (message: string) => void
): Record<string, string> => {
  const attributes: Record<string, string> = {}
  if (value === undefined) return attributes
  for (const entry of value.split(",")) {
    if (entry.trim() === "") continue
    const at = entry.indexOf("=")
    const key = at < 0 ? "" : entry.slice(0, at).trim()
    if (key === "") {
      warn(`ignoring OTEL_RESOURCE_ATTRIBUTES entry ${JSON.stringify(entry.trim())}: expected key=value`)
      continue
    }
    try {
      attributes[decodeURIComponent(key)] = decodeURIComponent(entry.slice(at + 1).trim())
    } catch {
      warn(`ignoring OTEL_RESOURCE_ATTRIBUTES entry ${JSON.stringify(entry.trim())}: invalid percent-encoding`)
    }
  }
  return attributes
}
