import { assert, describe, it } from "@effect/vitest"
import { Effect, Tracer } from "effect"
import { currentTraceparent, traceparentOf } from "../../../src/layers/telemetry/otlpPropagation.ts"

describe("currentTraceparent", () => {
  it.effect("is undefined outside any span", () =>
    Effect.gen(function*() {
      assert.isUndefined(yield* currentTraceparent)
    }))

  it.effect("formats the current span as a W3C traceparent", () =>
    Effect.gen(function*() {
      const span = yield* Effect.currentSpan
      const header = yield* currentTraceparent
      assert.strictEqual(header, `00-${span.traceId}-${span.spanId}-01`)
      assert.match(header ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    }).pipe(Effect.withSpan("outer")))

  it("marks unsampled spans and rejects invalid ids", () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
    const spanId = "00f067aa0ba902b7"
    assert.strictEqual(
      traceparentOf(Tracer.externalSpan({ traceId, spanId, sampled: false })),
      `00-${traceId}-${spanId}-00`
    )
    assert.isUndefined(traceparentOf(Tracer.externalSpan({ traceId: "trace-1", spanId })))
    assert.isUndefined(traceparentOf(Tracer.externalSpan({ traceId: "0".repeat(32), spanId })))
  })
})
