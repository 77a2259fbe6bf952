import { assert, describe, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import { instrument } from "../../src/layers/StorageInstrumentation.ts"
import * as Memory from "../../src/providers/storage/memory.ts"
import * as TelemetryCapture from "../../src/testing/TelemetryCapture.ts"

const reads = Metric.counter("capture_test_reads", { attributes: { profile: "data" } })
const size = Metric.gauge("capture_test_size")

const program = Effect.gen(function*() {
  yield* Metric.update(reads, 2)
  yield* Metric.update(size, 42)
  yield* Effect.void.pipe(Effect.withSpan("child", { attributes: { key: "a.csv" } }))
  yield* Effect.fail("boom").pipe(Effect.withSpan("failing"), Effect.ignore)
}).pipe(Effect.withSpan("parent"))

describe("TelemetryCapture", () => {
  it.effect("records spans with their parents, attributes and status", () =>
    Effect.gen(function*() {
      yield* program
      const spans = yield* TelemetryCapture.spans
      assert.deepStrictEqual(spans.map((span) => span.name), ["parent", "child", "failing"])
      const [parent, child, failing] = spans
      assert.isUndefined(parent?.parentSpanId)
      assert.strictEqual(child?.parentSpanId, parent?.spanId)
      assert.strictEqual(child?.traceId, parent?.traceId)
      assert.deepStrictEqual(child?.attributes, { key: "a.csv" })
      assert.strictEqual(child?.status, "ok")
      assert.strictEqual(failing?.status, "error")
      assert.isDefined(parent?.endTime)
    }).pipe(Effect.provide(TelemetryCapture.layer)))

  it.effect("records metric points in a registry of its own, and resets", () =>
    Effect.gen(function*() {
      yield* program
      const points = yield* TelemetryCapture.metrics
      assert.deepStrictEqual(
        points.map(({ attributes, name, value }) => ({ name, attributes, value })),
        [
          { name: "capture_test_reads", attributes: { profile: "data" }, value: 2 },
          { name: "capture_test_size", attributes: {}, value: 42 }
        ]
      )
      yield* TelemetryCapture.reset
      assert.deepStrictEqual(yield* TelemetryCapture.spans, [])
      assert.deepStrictEqual(yield* TelemetryCapture.metrics, [])
    }).pipe(Effect.provide(TelemetryCapture.layer)))

  it.effect("reset also clears storage operations still waiting to be recorded", () =>
    Effect.gen(function*() {
      const provider = instrument(yield* Memory.make(), { profile: "data" })
      yield* provider.put("a.csv", new Uint8Array(3))
      yield* TelemetryCapture.reset
      assert.deepStrictEqual(yield* TelemetryCapture.spans, [])
      assert.deepStrictEqual(yield* TelemetryCapture.metrics, [])
      yield* provider.put("b.csv", new Uint8Array(3))
      const spans = yield* TelemetryCapture.spans
      assert.deepStrictEqual(spans.map((span) => span.attributes["strata.storage.key"]), ["b.csv"])
    }).pipe(Effect.provide(TelemetryCapture.layer)))
})
