import { assert, describe, it } from "@effect/vitest"
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from "@opentelemetry/api"
import { resourceFromAttributes } from "@opentelemetry/resources"
import { InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Fiber } from "effect"
import { createHash } from "node:crypto"
import * as ExportTracer from "../../../src/layers/telemetry/exportTracer.ts"
import { currentTraceparent, parseTraceparent } from "../../../src/layers/telemetry/otlpPropagation.ts"
import { makeSampler, makeSamplingDecision, type SamplerSettings } from "../../../src/layers/telemetry/sampler.ts"
import { defaultSpanLimits, type SpanLimits } from "../../../src/layers/telemetry/spanLimits.ts"

const resource = resourceFromAttributes({ "service.name": "export-tracer-test" })

/** Runs `effect` under an export tracer with `sampler`, and returns what it exported. */
const exported = <A, E>(
  effect: Effect.Effect<A, E>,
  sampler: SamplerSettings = { parentBased: true, ratio: 1 },
  limits: SpanLimits = defaultSpanLimits
) =>
  Effect.gen(function*() {
    const exporter = new InMemorySpanExporter()
    const tracer = ExportTracer.make({
      sinks: [
        ExportTracer.processorSink([new SimpleSpanProcessor(exporter)], {
          resource,
          scope: { name: "effect", version: "test" },
          linkCount: limits.linkCount
        })
      ],
      sample: makeSamplingDecision(sampler),
      limits
    })
    const exit = yield* Effect.exit(Effect.withTracer(effect, tracer))
    return { exit, spans: exporter.getFinishedSpans() }
  })

describe("ExportTracer", () => {
  it.effect("exports ended spans with their parent, kind, attributes, times and resource", () =>
    Effect.gen(function*() {
      const { spans } = yield* exported(
        Effect.gen(function*() {
          yield* Effect.annotateCurrentSpan({ count: 3, big: 7n, list: ["a", "b"], object: { nested: true } })
          yield* Effect.annotateCurrentSpan("__proto__", ["not", "a", "prototype"])
        }).pipe(
          Effect.withSpan("child", { kind: "client", attributes: { "strata.storage.key": "a/b" } }),
          Effect.withSpan("parent")
        )
      )
      assert.deepStrictEqual(spans.map((span) => span.name), ["child", "parent"])
      const [child, parent] = spans
      assert.strictEqual(child!.parentSpanContext?.spanId, parent!.spanContext().spanId)
      assert.strictEqual(child!.spanContext().traceId, parent!.spanContext().traceId)
      assert.isUndefined(parent!.parentSpanContext)
      assert.strictEqual(child!.kind, SpanKind.CLIENT)
      assert.deepStrictEqual(child!.status, { code: SpanStatusCode.OK })
      assert.strictEqual(child!.attributes["strata.storage.key"], "a/b")
      assert.strictEqual(child!.attributes["count"], 3)
      assert.strictEqual(child!.attributes["big"], "7")
      assert.deepStrictEqual(child!.attributes["list"], ["a", "b"])
      assert.strictEqual(typeof child!.attributes["object"], "string")
      assert.deepStrictEqual(Object.getOwnPropertyDescriptor(child!.attributes, "__proto__")?.value, ["not", "a", "prototype"])
      assert.strictEqual(Object.getPrototypeOf(child!.attributes), Object.prototype)
      assert.match(child!.spanContext().spanId, /^[0-9a-f]{16}$/)
      assert.match(child!.spanContext().traceId, /^[0-9a-f]{32}$/)
      assert.isTrue(child!.endTime[0] * 1e9 + child!.endTime[1] >= child!.startTime[0] * 1e9 + child!.startTime[1])
      assert.strictEqual(child!.resource.attributes["service.name"], "export-tracer-test")
      assert.strictEqual(child!.instrumentationScope.name, "effect")
    }))

  it.effect("marks failures as errors with an exception event, and interruptions with an attribute", () =>
    Effect.gen(function*() {
      const failed = yield* exported(Effect.fail(new Error("disk on fire")).pipe(Effect.withSpan("fails")))
      const [span] = failed.spans
      assert.deepStrictEqual(span!.status, { code: SpanStatusCode.ERROR, message: "disk on fire" })
      assert.strictEqual(span!.events[0]?.name, "exception")
      assert.strictEqual(span!.events[0]?.attributes?.["exception.message"], "disk on fire")

      const interrupted = yield* exported(Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Effect.never.pipe(Effect.withSpan("waits")))
        yield* Effect.yieldNow
        yield* Fiber.interrupt(fiber)
      }))
      const [waits] = interrupted.spans
      assert.strictEqual(waits!.status.code, SpanStatusCode.UNSET)
      assert.strictEqual(waits!.attributes["effect.fiber.interrupted"], true)
    }))

  it.effect("keeps attributes, events and links within the span limits, counting what it drops", () =>
    Effect.gen(function*() {
      const limits = { attributeCount: 2, attributeValueLength: 3, eventCount: 1, linkCount: 1 }
      const link = { span: parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!, attributes: {} }
      const { spans } = yield* exported(
        Effect.gen(function*() {
          yield* Effect.annotateCurrentSpan({ a: "long value", b: ["abcdef", "xy"] })
          yield* Effect.annotateCurrentSpan({ a: "again", c: "over the limit" })
          const span = yield* Effect.currentSpan
          span.event("first", 1n)
          span.event("second", 2n)
        }).pipe(Effect.withSpan("limited", { links: [link, link] })),
        undefined,
        limits
      )
      const [span] = spans
      assert.deepStrictEqual(span!.attributes, { a: "aga", b: ["abc", "xy"] })
      assert.strictEqual(span!.droppedAttributesCount, 1)
      assert.deepStrictEqual(span!.events.map((event) => event.name), ["first"])
      assert.strictEqual(span!.droppedEventsCount, 1)
      assert.strictEqual(span!.links.length, 1)
      assert.strictEqual(span!.droppedLinksCount, 1)
    }))

  it.effect("follows an unsampled remote parent: nothing exported, the traceparent says unsampled", () =>
    Effect.gen(function*() {
      const remote = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")!
      const { exit, spans } = yield* exported(
        currentTraceparent.pipe(Effect.withSpan("inner"), Effect.withSpan("outer"), Effect.withParentSpan(remote))
      )
      assert.deepStrictEqual(spans, [])
      assert.isTrue(exit._tag === "Success")
      if (exit._tag === "Success") assert.match(exit.value ?? "", /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/)
    }))

  it.effect("propagates the exported span's ids, under a sampled remote parent", () =>
    Effect.gen(function*() {
      const remote = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!
      const { exit, spans } = yield* exported(currentTraceparent.pipe(Effect.withSpan("call"), Effect.withParentSpan(remote)))
      const [span] = spans
      assert.strictEqual(span!.parentSpanContext?.spanId, "00f067aa0ba902b7")
      assert.isTrue(span!.parentSpanContext?.isRemote)
      assert.deepStrictEqual(exit._tag === "Success" ? exit.value : undefined, `00-4bf92f3577b34da6a3ce929d0e0e4736-${span!.spanContext().spanId}-01`)
    }))

  it.effect("samples as the SDK sampler does: always_off exports nothing, a ratio picks the same trace ids", () =>
    Effect.gen(function*() {
      const off = yield* exported(Effect.void.pipe(Effect.withSpan("a"), Effect.withSpan("b")), { parentBased: true, ratio: 0 })
      assert.deepStrictEqual(off.spans, [])

      const settings = { parentBased: false, ratio: 0.3 }
      const decide = makeSamplingDecision(settings)
      const sdk = makeSampler(settings)
      const ids = Array.from({ length: 500 }, (_, i) => createHash("md5").update(String(i)).digest("hex"))
      for (const id of ids) {
        const parent = trace.setSpanContext(context.active(), {
          traceId: id,
          spanId: "00f067aa0ba902b7",
          traceFlags: TraceFlags.NONE,
          isRemote: true
        })
        const expected = sdk.shouldSample(parent, id, "op", SpanKind.CLIENT, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED
        assert.strictEqual(decide(id, false), expected, id)
      }
      const share = ids.filter((id) => decide(id, undefined)).length / ids.length
      assert.isTrue(share > 0.2 && share < 0.4, `sampled ${share}`)
    }))
})
