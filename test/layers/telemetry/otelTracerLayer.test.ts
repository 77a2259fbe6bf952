import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import * as Resource from "@effect/opentelemetry/Resource"
import { assert, describe, it } from "@effect/vitest"
import { context, trace } from "@opentelemetry/api"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { Effect, Layer } from "effect"
import * as ExportTracer from "../../../src/layers/telemetry/exportTracer.ts"
import * as OtelTracerLayer from "../../../src/layers/telemetry/otelTracerLayer.ts"
import { defaultSampler } from "../../../src/layers/telemetry/sampler.ts"
import { defaultSpanLimits } from "../../../src/layers/telemetry/spanLimits.ts"

const exporter = new InMemorySpanExporter()
const processor = new SimpleSpanProcessor(exporter)
const provider = new NodeTracerProvider({ spanProcessors: [processor] })
const sinks = (resource: Parameters<typeof ExportTracer.processorSink>[1]["resource"], scope: { readonly name: string }) =>
  Effect.succeed([ExportTracer.processorSink([processor], { resource, scope, linkCount: defaultSpanLimits.linkCount })])
const tracerLayer = OtelTracerLayer.layer(sinks, defaultSampler, defaultSpanLimits).pipe(
  Layer.provide(Layer.succeed(OtelTracer.OtelTracerProvider, provider)),
  Layer.provide(Resource.layer({ serviceName: "otel-tracer-layer-test" }))
)

/** The installed Effect tracer, and the OpenTelemetry spans a nested pair of spans made. */
const probe = Effect.gen(function*() {
  exporter.reset()
  const tracer = yield* Effect.tracer
  const activeInside = yield* Effect.sync(() => trace.getActiveSpan() !== undefined).pipe(
    Effect.withSpan("inner"),
    Effect.withSpan("outer")
  )
  const spans = exporter.getFinishedSpans()
  return {
    tracer,
    activeInside,
    names: spans.map((span) => span.name),
    innerParent: spans[0]?.parentSpanContext?.spanId,
    outerId: spans[1]?.spanContext().spanId,
    service: spans[0]?.resource.attributes["service.name"]
  }
}).pipe(Effect.provide(tracerLayer))

describe("otelTracerLayer", () => {
  it.effect("uses the export tracer when no context manager is registered, exporting through the processors", () =>
    Effect.gen(function*() {
      assert.isFalse(OtelTracerLayer.otelContextPropagates())
      const { activeInside, innerParent, names, outerId, service, tracer } = yield* probe
      assert.isUndefined(tracer.context)
      assert.isFalse(activeInside)
      assert.deepStrictEqual(names, ["inner", "outer"])
      assert.strictEqual(innerParent, outerId)
      assert.strictEqual(service, "otel-tracer-layer-test")
    }))

  it.effect("uses the SDK tracer when a context manager is registered, so instrumented libraries see the span", () =>
    Effect.gen(function*() {
      new NodeTracerProvider().register()
      try {
        assert.isTrue(OtelTracerLayer.otelContextPropagates())
        const { activeInside, innerParent, names, outerId, tracer } = yield* probe
        assert.isDefined(tracer.context)
        assert.isTrue(activeInside)
        assert.deepStrictEqual(names, ["inner", "outer"])
        assert.strictEqual(innerParent, outerId)
      } finally {
        context.disable()
        trace.disable()
      }
    }))
})
