import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Metric } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import type { ExportFailure } from "../../../src/layers/telemetry/exportFailures.ts"
import { layerFromSettings } from "../../../src/layers/telemetry/otlpLayer.ts"
import { disabledSettings, type TelemetrySettings, telemetrySettings } from "../../../src/layers/telemetry/settings.ts"
import { spansOfRequest } from "../../support/otlpTraces.ts"
import { freePort } from "../../support/ports.ts"

/** A receiver on 127.0.0.1 that keeps how many spans each trace request carried. */
const spanCountsReceiver = Effect.acquireRelease(
  Effect.callback<{ readonly url: string; readonly counts: Array<number>; readonly server: http.Server }>((resume) => {
    const counts: Array<number> = []
    const server = http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        if (request.url === "/v1/traces") counts.push(spansOfRequest(request.headers["content-type"], Buffer.concat(chunks)).length)
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, server })))
  }),
  ({ server }) => Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
)

describe("Telemetry layerFromSettings", () => {
  it("is Layer.empty when telemetry is off", () => {
    assert.strictEqual(layerFromSettings(disabledSettings), Layer.empty)
    assert.strictEqual(layerFromSettings(telemetrySettings({}).settings), Layer.empty)
  })

  it.effect("never fails the program when the collector is unreachable", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const { settings } = telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` })
      const program = Effect.gen(function*() {
        yield* Metric.update(Metric.counter("otlp_layer_test_total"), 1)
        return yield* Effect.succeed(7).pipe(Effect.withSpan("work"))
      })
      const exit = yield* Effect.exit(program.pipe(Effect.provide(layerFromSettings(settings))))
      assert.deepStrictEqual(exit, Exit.succeed(7))
    }), 15_000)

  it.effect("sends batches of OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans, over protobuf and JSON", () =>
    Effect.gen(function*() {
      for (const protocol of ["http/protobuf", "http/json"]) {
        const receiver = yield* spanCountsReceiver
        const { settings, warnings } = telemetrySettings({
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_METRICS_EXPORTER: "none",
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "3"
        })
        assert.deepStrictEqual(warnings, [])
        yield* Effect.forEach(Array.from({ length: 10 }, (_, i) => i), (i) => Effect.void.pipe(Effect.withSpan(`span-${i}`)), {
          discard: true
        }).pipe(Effect.provide(layerFromSettings(settings)))
        // Requests may overlap (the SDK's processor), so their order is not asserted.
        assert.deepStrictEqual(receiver.counts.toSorted(), [1, 3, 3, 3], protocol)
      }
    }).pipe(Effect.scoped), 20_000)

  it.effect("counts the spans a full export queue drops, and reports them when it closes", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const base = telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }).settings
      const tinyQueue = telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_MAX_QUEUE_SIZE: "4" })
        .settings
      const drops: Array<number> = []
      const burst = Effect.forEach(Array.from({ length: 200 }, (_, i) => i), (i) =>
        Effect.succeed(i).pipe(Effect.withSpan(`burst-${i}`)), { discard: true })
      yield* burst.pipe(Effect.provide(layerFromSettings(tinyQueue, { onDroppedSpans: (n) => drops.push(n) })))
      assert.strictEqual(drops.length, 1)
      assert.isAbove(drops[0] ?? 0, 100, "most of a 200-span burst cannot fit a queue of 4")
      assert.isAtMost(drops[0] ?? 0, 200)

      const none: Array<number> = []
      yield* Effect.succeed(1).pipe(
        Effect.withSpan("one"),
        Effect.provide(layerFromSettings(base, { onDroppedSpans: (n) => none.push(n) }))
      )
      assert.deepStrictEqual(none, [], "a span that fits the queue is not a drop")
    }), 20_000)
})

/** A receiver that answers every request with `status` (0: never answers). */
const answering = (status: number) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly server: http.Server }>((resume) => {
      const server = http.createServer((request, response) => {
        request.resume()
        if (status !== 0) request.on("end", () => response.writeHead(status, { "content-type": "text/plain" }).end("collector says no"))
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })))
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** Five spans and a metric update under the layer; what `onExportFailed` was told. */
const failuresOf = (settings: TelemetrySettings) =>
  Effect.gen(function*() {
    const failures: Array<ExportFailure> = []
    yield* Effect.forEach([1, 2, 3, 4, 5], (i) => Effect.succeed(i).pipe(Effect.withSpan(`lost-${i}`)), { discard: true }).pipe(
      Effect.andThen(Metric.update(Metric.counter("otlp_layer_failures_total"), 1)),
      Effect.provide(layerFromSettings(settings, { onExportFailed: (failure) => failures.push(failure) }))
    )
    return failures.toSorted((a, b) => a.signal.localeCompare(b.signal))
  })

describe("Telemetry layerFromSettings: failed exports", () => {
  it.effect("tells how many spans and metric exports an unreachable collector lost, over protobuf and JSON", () =>
    Effect.gen(function*() {
      for (const protocol of ["http/protobuf", "http/json"]) {
        const port = yield* Effect.promise(freePort)
        const url = `http://127.0.0.1:${port}`
        const failures = yield* failuresOf(
          telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol }).settings
        )
        assert.deepStrictEqual(failures.map(({ count, destination, signal }) => ({ count, destination, signal })), [
          { count: 1, destination: `${url}/v1/metrics`, signal: "metrics" },
          { count: 5, destination: `${url}/v1/traces`, signal: "traces" }
        ], protocol)
        for (const failure of failures) assert.include(failure.reason, "ECONNREFUSED", protocol)
      }
    }), 30_000)

  it.effect("names the HTTP status and the collector's answer", () =>
    Effect.gen(function*() {
      const receiver = yield* answering(500)
      const failures = yield* failuresOf(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }).settings)
      assert.deepStrictEqual(failures.map((failure) => failure.reason), [
        "HTTP 500 Internal Server Error: collector says no",
        "HTTP 500 Internal Server Error: collector says no"
      ])
    }).pipe(Effect.scoped), 20_000)

  // Live: the shutdown time limit is an Effect timeout, which the test clock would hold.
  it.live("counts spans still unanswered when the shutdown time limit ends", () =>
    Effect.gen(function*() {
      const receiver = yield* answering(0)
      const { settings } = telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRICS_EXPORTER: "none" })
      const failures = yield* failuresOf({ ...settings, shutdownTimeoutMillis: 300 })
      assert.deepStrictEqual(failures, [{
        signal: "traces",
        destination: `${receiver.url}/v1/traces`,
        count: 5,
        reason: "no answer within the 300 ms shutdown time limit"
      }])
    }).pipe(Effect.scoped), 20_000)

  it.effect("tells nothing when every export is delivered", () =>
    Effect.gen(function*() {
      const receiver = yield* answering(200)
      assert.deepStrictEqual(yield* failuresOf(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }).settings), [])
    }).pipe(Effect.scoped), 20_000)
})
