import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import { assert, describe, it } from "@effect/vitest"
import { context, trace } from "@opentelemetry/api"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { Effect, Layer } from "effect"
import * as OtelTracerLayer from "../../../src/layers/telemetry/otelTracerLayer.ts"

const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const tracerLayer = OtelTracerLayer.layer.pipe(Layer.provide(Layer.succeed(OtelTracer.OtelTracerProvider, provider)))

/** The installed Effect tracer, and the names of the OpenTelemetry spans a nested pair of spans made. */
const probe = Effect.gen(function*() {
  exporter.reset()
  const tracer = yield* Effect.tracer
  const activeInside = yield* Effect.sync(() => trace.getActiveSpan() !== undefined).pipe(
    Effect.withSpan("inner"),
    Effect.withSpan("outer")
  )
  return { tracer, activeInside, spans: exporter.getFinishedSpans().map((span) => span.name) }
}).pipe(Effect.provide(tracerLayer))

describe("otelTracerLayer", () => {
  it.effect("drops the per-step context switch when no context manager is registered", () =>
    Effect.gen(function*() {
      assert.isFalse(OtelTracerLayer.otelContextPropagates())
      const { activeInside, spans, tracer } = yield* probe
      assert.isUndefined(tracer.context)
      assert.isFalse(activeInside)
      assert.deepStrictEqual(spans, ["inner", "outer"])
    }))

  it.effect("keeps it when a context manager is registered, so instrumented libraries see the span", () =>
    Effect.gen(function*() {
      new NodeTracerProvider().register()
      try {
        assert.isTrue(OtelTracerLayer.otelContextPropagates())
        const { activeInside, spans, tracer } = yield* probe
        assert.isDefined(tracer.context)
        assert.isTrue(activeInside)
        assert.deepStrictEqual(spans, ["inner", "outer"])
      } finally {
        context.disable()
        trace.disable()
      }
    }))
})
