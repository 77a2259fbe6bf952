import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Metric } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { layerFromSettings } from "../../../src/layers/telemetry/otlpLayer.ts"
import { disabledSettings, telemetrySettings } from "../../../src/layers/telemetry/settings.ts"
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
