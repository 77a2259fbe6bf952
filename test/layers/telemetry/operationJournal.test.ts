import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Metric, Option, Tracer } from "effect"
import { flush, instrument, StorageMetricNames } from "../../../src/layers/StorageInstrumentation.ts"
import * as Memory from "../../../src/providers/storage/memory.ts"
import { recordingTracer } from "../../support/recordingTracer.ts"

const seeded = Effect.gen(function*() {
  const memory = yield* Memory.make()
  for (let size = 1; size <= 4; size++) yield* memory.put(`k${size}`, new Uint8Array(size))
  return instrument(memory, { profile: "p" })
})

const series = (registry: Metric.MetricRegistry, id: string, status?: string) =>
  Effect.runSync(Effect.provideService(Metric.snapshot, Metric.MetricRegistry, registry)).filter((snapshot) =>
    snapshot.id === id && (status === undefined || snapshot.attributes?.["strata.storage.status"] === status)
  )

const valueOf = (registry: Metric.MetricRegistry, id: string, status?: string): number => {
  const [found, ...more] = series(registry, id, status)
  assert.isDefined(found, id)
  assert.strictEqual(more.length, 0)
  const state = found!.state as { readonly count?: number; readonly value?: number }
  return state.count ?? state.value!
}

describe("operation journal", () => {
  it.effect("an operation's span is made when its batch is recorded, as makeSpan would have made it at the start", () =>
    Effect.gen(function*() {
      const provider = yield* seeded
      const { spans, tracer } = recordingTracer()
      yield* provider.getBytes("k2").pipe(Effect.withSpan("caller"), Effect.withTracer(tracer))
      assert.deepStrictEqual(spans.map((span) => span.name), ["caller"])
      yield* flush
      const [caller, read] = spans
      assert.strictEqual(read!.name, "StorageProvider.getBytes")
      assert.strictEqual(Option.getOrUndefined(read!.parent)?.spanId, caller!.spanId)
      assert.strictEqual(read!.traceId, caller!.traceId)
      assert.strictEqual(read!.kind, "client")
      assert.isTrue(read!.sampled)
      assert.strictEqual(read!.status._tag, "Ended")
      assert.strictEqual(read!.attributes.get("strata.storage.profile"), "p")
      assert.strictEqual(read!.attributes.get("strata.storage.size"), 2)
    }))

  it.effect("follows the context: an unsampled parent, span annotations, tracing disabled", () =>
    Effect.gen(function*() {
      const provider = yield* seeded
      const { spans, tracer } = recordingTracer()
      yield* provider.getBytes("k1").pipe(
        Effect.withSpan("unsampled", { sampled: false }),
        Effect.annotateSpans("team", "storage"),
        Effect.withTracer(tracer)
      )
      yield* provider.getBytes("k1").pipe(Effect.withTracerEnabled(false), Effect.withTracer(tracer))
      yield* flush
      const reads = spans.filter((span) => span.name === "StorageProvider.getBytes")
      assert.strictEqual(reads.length, 1)
      assert.isFalse(reads[0]!.sampled)
      assert.strictEqual(reads[0]!.attributes.get("team"), "storage")
    }))

  it.effect("256 operations are recorded without waiting for the timer", () =>
    Effect.gen(function*() {
      const provider = yield* seeded
      const { spans, tracer } = recordingTracer()
      yield* flush
      yield* Effect.forEach(Array.from({ length: 256 }, (_, i) => `k${1 + (i % 4)}`), (key) => provider.getBytes(key), {
        discard: true
      }).pipe(Effect.withTracer(tracer))
      assert.strictEqual(spans.length, 256)
    }))

  it.live("an operation left alone is recorded by the timer (50 ms)", () =>
    Effect.gen(function*() {
      const provider = yield* seeded
      const { spans, tracer } = recordingTracer()
      yield* provider.head("k1").pipe(Effect.withTracer(tracer))
      assert.strictEqual(spans.length, 0)
      yield* Effect.sleep("200 millis")
      assert.strictEqual(spans.length, 1)
    }))

  it.effect("metric series add up over a batch: counters summed, gauges left at the last operation's value", () =>
    Effect.gen(function*() {
      const provider = yield* seeded
      const registry: Metric.MetricRegistry = new Map()
      const other: Metric.MetricRegistry = new Map()
      const keys = Array.from({ length: 300 }, (_, i) => `k${1 + (i % 4)}`).concat("k3")
      for (const [index, key] of keys.entries()) {
        // Interleaved with another registry and failures: each run of equal series is summed on its own.
        yield* provider.getBytes(key).pipe(Effect.provideService(Metric.MetricRegistry, registry))
        if (index % 7 === 0) {
          yield* Effect.exit(provider.getBytes("missing").pipe(Effect.provideService(Metric.MetricRegistry, registry)))
          yield* provider.getBytes("k1").pipe(Effect.provideService(Metric.MetricRegistry, other))
        }
      }
      yield* flush
      const misses = Math.floor(300 / 7) + 1
      assert.strictEqual(valueOf(registry, StorageMetricNames.requestSum), 301 + misses)
      assert.strictEqual(valueOf(registry, StorageMetricNames.responseSum, "success"), 301)
      assert.strictEqual(valueOf(registry, StorageMetricNames.responseSum, "error.NotFound"), misses)
      assert.strictEqual(valueOf(registry, StorageMetricNames.dataSizeSum, "success"), 75 * (1 + 2 + 3 + 4) + 3)
      assert.strictEqual(valueOf(registry, StorageMetricNames.dataSize, "success"), 3)
      assert.strictEqual(series(registry, StorageMetricNames.dataSizeSum, "error.NotFound").length, 0)
      assert.strictEqual(valueOf(other, StorageMetricNames.responseSum, "success"), misses)
      assert.strictEqual(valueOf(other, StorageMetricNames.dataSizeSum, "success"), misses)
    }))

  it.effect("a tracer that throws fails neither the operation nor the metrics; it is reported once", () =>
    Effect.gen(function*() {
      const provider = yield* seeded
      const registry: Metric.MetricRegistry = new Map()
      const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined)
      try {
        const broken = Tracer.make({
          span() {
            throw new Error("tracer broke")
          }
        })
        const bytes = yield* provider.getBytes("k4").pipe(
          Effect.withTracer(broken),
          Effect.provideService(Metric.MetricRegistry, registry)
        )
        assert.strictEqual(bytes.byteLength, 4)
        yield* flush
        yield* provider.getBytes("k4").pipe(Effect.withTracer(broken), Effect.provideService(Metric.MetricRegistry, registry))
        yield* flush
        assert.strictEqual(valueOf(registry, StorageMetricNames.responseSum, "success"), 2)
        assert.strictEqual(warn.mock.calls.length, 1)
        assert.include(String(warn.mock.calls[0]![0]), "tracer broke")
      } finally {
        warn.mockRestore()
      }
    }))
})
