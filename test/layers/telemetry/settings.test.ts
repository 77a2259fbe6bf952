import { assert, describe, it } from "@effect/vitest"
import { telemetrySettings } from "../../../src/layers/telemetry/settings.ts"

describe("telemetrySettings", () => {
  it("is off with nothing configured", () => {
    const { settings, warnings } = telemetrySettings({})
    assert.isFalse(settings.enabled)
    assert.deepStrictEqual(settings.traces.exporters, [])
    assert.deepStrictEqual(settings.metrics.exporters, [])
    assert.strictEqual(settings.serviceName, "strata")
    assert.deepStrictEqual(warnings, [])
  })

  it("turns on OTLP for both signals with the generic endpoint", () => {
    const { settings, warnings } = telemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_METRIC_EXPORT_INTERVAL: "250"
    })
    assert.isTrue(settings.enabled)
    assert.deepStrictEqual(settings.traces, {
      exporters: ["otlp"],
      endpoint: "http://collector:4318/v1/traces",
      timeoutMillis: 2000
    })
    assert.deepStrictEqual(settings.metrics, {
      exporters: ["otlp"],
      endpoint: "http://collector:4318/v1/metrics",
      timeoutMillis: 2000,
      exportIntervalMillis: 250,
      exportTimeoutMillis: 250
    })
    assert.deepStrictEqual(warnings, [])
  })

  it("uses signal endpoints as given and lets them win over the generic one", () => {
    const { settings } = telemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://b/traces"
    })
    assert.strictEqual(settings.traces.endpoint, "https://b/traces")
    assert.strictEqual(settings.metrics.endpoint, "http://a:4318/v1/metrics")
  })

  it("honours OTEL_*_EXPORTER (none, console, lists) and OTEL_SDK_DISABLED", () => {
    const chosen = telemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_TRACES_EXPORTER: "none",
      OTEL_METRICS_EXPORTER: "console, otlp"
    }).settings
    assert.deepStrictEqual(chosen.traces.exporters, [])
    assert.deepStrictEqual(chosen.metrics.exporters, ["console", "otlp"])
    const disabled = telemetrySettings({ OTEL_SDK_DISABLED: "TRUE", OTEL_TRACES_EXPORTER: "console" }).settings
    assert.isFalse(disabled.enabled)
  })

  it("reads service name and percent-decoded resource attributes", () => {
    const { settings, warnings } = telemetrySettings({
      OTEL_SERVICE_NAME: "ingest",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod, team=data%20eng,broken,bad=%E0%A4%A"
    })
    assert.strictEqual(settings.serviceName, "ingest")
    assert.deepStrictEqual(settings.resourceAttributes, { "deployment.environment": "prod", team: "data eng" })
    assert.deepStrictEqual(warnings, [
      "ignoring OTEL_RESOURCE_ATTRIBUTES entry \"broken\": expected key=value",
      "ignoring OTEL_RESOURCE_ATTRIBUTES entry \"bad=%E0%A4%A\": invalid percent-encoding"
    ])
  })

  it("reads the span limits, the span-specific variables winning over the general ones", () => {
    assert.deepStrictEqual(telemetrySettings({}).settings.spanLimits, {
      attributeCount: 128,
      attributeValueLength: Infinity,
      eventCount: 128,
      linkCount: 128
    })
    const { settings, warnings } = telemetrySettings({
      OTEL_ATTRIBUTE_COUNT_LIMIT: "10",
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "20",
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: "100",
      OTEL_SPAN_EVENT_COUNT_LIMIT: "-1"
    })
    assert.deepStrictEqual(settings.spanLimits, { attributeCount: 20, attributeValueLength: 100, eventCount: 128, linkCount: 128 })
    assert.deepStrictEqual(warnings, ["ignoring OTEL_SPAN_EVENT_COUNT_LIMIT=\"-1\": expected a whole number, 0 or more"])
  })

  it("reads the request limits per signal, the signal's variable winning, and the metric reader's limit", () => {
    const general = telemetrySettings({ OTEL_EXPORTER_OTLP_TIMEOUT: "5000" }).settings
    assert.strictEqual(general.traces.timeoutMillis, 5000)
    assert.strictEqual(general.metrics.timeoutMillis, 5000)
    assert.strictEqual(general.metrics.exportTimeoutMillis, 5000)
    const { settings, warnings } = telemetrySettings({
      OTEL_EXPORTER_OTLP_TIMEOUT: "5000",
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "300",
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: "400",
      OTEL_METRIC_EXPORT_TIMEOUT: "90000"
    })
    assert.deepStrictEqual(warnings, [])
    assert.strictEqual(settings.traces.timeoutMillis, 300)
    assert.strictEqual(settings.metrics.timeoutMillis, 400)
    assert.strictEqual(settings.metrics.exportTimeoutMillis, 60_000, "never above the export interval")
    const bad = telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "soon" })
    assert.strictEqual(bad.settings.traces.timeoutMillis, 2000)
    assert.deepStrictEqual(bad.warnings, [
      "ignoring OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=\"soon\": not a positive number of milliseconds"
    ])
  })

  it("reads the batch span processor's variables (OTEL_BSP_*), a batch never larger than the queue", () => {
    assert.deepStrictEqual(telemetrySettings({}).settings.batching, {
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: undefined
    })
    const chosen = telemetrySettings({
      OTEL_BSP_MAX_QUEUE_SIZE: " 8192 ",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "4096",
      OTEL_BSP_SCHEDULE_DELAY: "0",
      OTEL_BSP_EXPORT_TIMEOUT: "500"
    })
    assert.deepStrictEqual(chosen.settings.batching, {
      maxQueueSize: 8192,
      maxExportBatchSize: 4096,
      scheduledDelayMillis: 0,
      exportTimeoutMillis: 500
    })
    assert.deepStrictEqual(chosen.warnings, [])
    assert.strictEqual(telemetrySettings({ OTEL_BSP_MAX_QUEUE_SIZE: "100" }).settings.batching.maxExportBatchSize, 100)
    const tooBig = telemetrySettings({ OTEL_BSP_MAX_QUEUE_SIZE: "1000", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "4096" })
    assert.strictEqual(tooBig.settings.batching.maxExportBatchSize, 1000)
    assert.deepStrictEqual(tooBig.warnings, [
      "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4096 is larger than the queue (1000 spans): batches of 1000 are sent"
    ])
    const invalid = telemetrySettings({
      OTEL_BSP_MAX_QUEUE_SIZE: "0",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "lots",
      OTEL_BSP_SCHEDULE_DELAY: "-1",
      OTEL_BSP_EXPORT_TIMEOUT: "1.5"
    })
    assert.deepStrictEqual(invalid.settings.batching, telemetrySettings({}).settings.batching)
    assert.deepStrictEqual(invalid.warnings, [
      "ignoring OTEL_BSP_MAX_QUEUE_SIZE=\"0\": expected a whole number of spans, 1 or more",
      "ignoring OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\"lots\": expected a whole number of spans, 1 or more",
      "ignoring OTEL_BSP_SCHEDULE_DELAY=\"-1\": expected a whole number of milliseconds, 0 or more",
      "ignoring OTEL_BSP_EXPORT_TIMEOUT=\"1.5\": expected a whole number of milliseconds, 1 or more"
    ])
  })

  it("reads the traces protocol (protobuf by default, the traces variable winning), warning on grpc and unknown values", () => {
    assert.strictEqual(telemetrySettings({}).settings.tracesProtocol, "http/protobuf")
    assert.strictEqual(telemetrySettings({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).settings.tracesProtocol, "http/json")
    assert.strictEqual(
      telemetrySettings({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" }).settings
        .tracesProtocol,
      "http/protobuf"
    )
    const grpc = telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })
    assert.strictEqual(grpc.settings.tracesProtocol, "http/json")
    assert.deepStrictEqual(grpc.warnings, ["ignoring OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc: strata exports over OTLP/HTTP (http/protobuf or http/json)"])
    const unknown = telemetrySettings({ OTEL_EXPORTER_OTLP_PROTOCOL: "carrier-pigeon" })
    assert.strictEqual(unknown.settings.tracesProtocol, "http/protobuf")
    assert.deepStrictEqual(unknown.warnings, ["ignoring OTEL_EXPORTER_OTLP_PROTOCOL=\"carrier-pigeon\": expected http/protobuf or http/json"])
  })

  it("gives one warning per invalid value and falls back", () => {
    const { settings, warnings } = telemetrySettings({
      OTEL_SDK_DISABLED: "maybe",
      OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://x",
      OTEL_TRACES_EXPORTER: "zipkin",
      OTEL_METRIC_EXPORT_INTERVAL: "-5"
    })
    assert.isFalse(settings.enabled)
    assert.strictEqual(settings.metrics.exportIntervalMillis, 60_000)
    assert.strictEqual(warnings.length, 4)
    for (const warning of warnings) assert.notInclude(warning, "\n")
  })

  it("does not repeat a user name and password of an invalid endpoint", () => {
    const { warnings } = telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "htp://ingest:s3cret@collector:4318" })
    assert.deepStrictEqual(warnings, ["ignoring OTEL_EXPORTER_OTLP_ENDPOINT=\"htp://***@collector:4318\": not an http(s) URL"])
  })

  it("reads the config file's opentelemetry.metrics section, env winning", () => {
    const section = {
      metrics: {
        reader: { options: { collect_interval_millis: 10, export_interval_millis: 1000, export_timeout_millis: 700 } },
        exporter: { type: "otlp", options: { endpoint: "http://localhost:4318/v1/metrics" } }
      }
    }
    const fromFile = telemetrySettings({}, section).settings
    assert.deepStrictEqual(fromFile.metrics, {
      exporters: ["otlp"],
      endpoint: "http://localhost:4318/v1/metrics",
      timeoutMillis: 2000,
      exportIntervalMillis: 1000,
      exportTimeoutMillis: 700
    })
    assert.strictEqual(fromFile.traces.timeoutMillis, 2000, "the metric reader's limit is not the traces' request limit")
    assert.deepStrictEqual(fromFile.traces.exporters, [])
    const overridden = telemetrySettings({ OTEL_METRICS_EXPORTER: "none", OTEL_METRIC_EXPORT_INTERVAL: "5" }, section)
    assert.deepStrictEqual(overridden.settings.metrics.exporters, [])
    assert.strictEqual(overridden.settings.metrics.exportIntervalMillis, 5)
    const bad = telemetrySettings({}, { metrics: { exporter: { type: "kafka" } } })
    assert.isFalse(bad.settings.enabled)
    assert.deepStrictEqual(bad.warnings, [
      "ignoring opentelemetry.metrics.exporter.type \"kafka\": expected otlp or console"
    ])
  })
})
