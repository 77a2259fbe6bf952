import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Metric } from "effect"
import { layerFromSettings } from "../../../src/layers/telemetry/otlpLayer.ts"
import { disabledSettings, telemetrySettings } from "../../../src/layers/telemetry/settings.ts"
import { freePort } from "../../support/ports.ts"

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
})
