import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Metric, Option, Stream } from "effect"
import { hostname } from "node:os"
import * as Memory from "../../src/providers/storage/memory.ts"
import {
  flush,
  instrument,
  instrumentationWrap,
  resolveMetricAttributes,
  StorageMetricNames
} from "../../src/layers/StorageInstrumentation.ts"
import type { StorageProviderShape } from "../../src/services/StorageProvider.ts"
import { recordingTracer } from "../support/recordingTracer.ts"
import { FILESYSTEM_PROFILE_CONFIG } from "../../src/services/StorageConfig.ts"

const bytes = (n: number) => new Uint8Array(n).fill(7)

/** A tracer keeping every span, and a fresh metric registry. */
const capture = Effect.gen(function*() {
  const { spans, tracer } = recordingTracer()
  const provider = instrument(yield* Memory.make(), { profile: "p1", attributes: { team: "storage" } })
  // Spans and metric updates are made in batches: flush once the operation is done.
  const run = <A, E>(effect: Effect.Effect<A, E>) =>
    effect.pipe(Effect.withTracer(tracer), Effect.provideService(Metric.MetricRegistry, registry), Effect.ensuring(flush))
  const registry: Metric.MetricRegistry = new Map()
  const named = (name: string) => spans.filter((span) => span.name === name)
  return { spans, tracer, provider, run, registry, named }
})

/** The value of the series `id` whose attributes include `attributes`, summed over matches. */
const metricValue = (
  registry: Metric.MetricRegistry,
  id: string,
  attributes: Readonly<Record<string, string>>
): { readonly value: number; readonly series: number } =>
  Effect.runSync(
    Effect.map(Effect.provideService(Metric.snapshot, Metric.MetricRegistry, registry), (snapshots) => {
      const matching = snapshots.filter((s) =>
        s.id === id && Object.entries(attributes).every(([k, v]) => s.attributes?.[k] === v)
      )
      const value = matching.reduce((sum, s) => {
        const state = s.state as { readonly count?: number; readonly value?: number }
        return sum + (state.count ?? state.value ?? 0)
      }, 0)
      return { value, series: matching.length }
    })
  )

const seed = (provider: StorageProviderShape, key: string, size: number) => provider.put(key, bytes(size))

describe("StorageInstrumentation spans", () => {
  it.effect("getBytes: a child span of the caller's, with provider, profile, key, size and status", () =>
    Effect.gen(function*() {
      const { provider, run, named } = yield* capture
      yield* run(seed(provider, "a/b.bin", 10))
      yield* run(provider.getBytes("a/b.bin").pipe(Effect.withSpan("outer")))
      const [outer] = named("outer")
      const [span] = named("StorageProvider.getBytes")
      assert.isDefined(outer)
      assert.isDefined(span)
      assert.strictEqual(Option.getOrUndefined(span!.parent)?.spanId, outer!.spanId)
      assert.strictEqual(span!.kind, "client")
      assert.strictEqual(span!.attributes.get("strata.storage.provider"), "memory")
      assert.strictEqual(span!.attributes.get("strata.storage.profile"), "p1")
      assert.strictEqual(span!.attributes.get("strata.storage.key"), "a/b.bin")
      assert.strictEqual(span!.attributes.get("strata.storage.size"), 10)
      assert.strictEqual(span!.attributes.get("strata.storage.status"), "success")
      assert.strictEqual(span!.status._tag, "Ended")
    }))

  it.effect("a provider's own spans are children of the operation's span; a provider declaring tracesInside: false is not given it", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* capture
      const memory = yield* Memory.make()
      yield* memory.put("k", bytes(1))
      const traced = (tracesInside: boolean | undefined): StorageProviderShape => ({
        ...memory,
        tracesInside,
        getBytes: (key) => memory.getBytes(key).pipe(Effect.withSpan("inner"))
      })
      const parentOfInner = (tracesInside: boolean | undefined) =>
        Effect.gen(function*() {
          spans.length = 0
          yield* instrument(traced(tracesInside), { profile: "p" }).getBytes("k").pipe(
            Effect.withSpan("caller"),
            Effect.withTracer(tracer),
            Effect.ensuring(flush)
          )
          const inner = spans.find((span) => span.name === "inner")!
          return spans.find((span) => span.spanId === Option.getOrUndefined(inner.parent)?.spanId)?.name
        })
      assert.strictEqual(yield* parentOfInner(undefined), "StorageProvider.getBytes")
      // The span made at the start carries the same attributes as one made afterwards.
      const atStart = spans.find((span) => span.name === "StorageProvider.getBytes")!
      assert.strictEqual(atStart.attributes.get("strata.storage.provider"), "memory")
      assert.strictEqual(atStart.attributes.get("strata.storage.profile"), "p")
      assert.strictEqual(atStart.attributes.get("strata.storage.key"), "k")
      assert.strictEqual(atStart.attributes.get("strata.storage.size"), 1)
      assert.strictEqual(yield* parentOfInner(false), "caller")
      assert.isFalse(memory.tracesInside)
    }))

  it.effect("a NotFound failure: status error.NotFound, the reason, a failed exit", () =>
    Effect.gen(function*() {
      const { provider, run, named } = yield* capture
      const exit = yield* Effect.exit(run(provider.getBytes("missing")))
      assert.isTrue(Exit.isFailure(exit))
      const [span] = named("StorageProvider.getBytes")
      assert.strictEqual(span!.attributes.get("strata.storage.status"), "error.NotFound")
      assert.strictEqual(span!.attributes.get("strata.storage.error.reason"), "NotFound")
      assert.isFalse(span!.attributes.has("strata.storage.size"))
      const status = span!.status
      assert.isTrue(status._tag === "Ended" && Exit.isFailure(status.exit))
    }))

  it.live("read: the span starts when the stream runs, ends when it has been consumed, with the bytes streamed", () =>
    Effect.gen(function*() {
      const { provider, run, named } = yield* capture
      yield* run(seed(provider, "big.bin", 1000))
      const stream = provider.read("big.bin", { range: { offset: 100 } })
      const now = Effect.clockWith((clock) => Effect.sync(() => clock.currentTimeNanosUnsafe()))
      yield* Effect.sleep("2 millis")
      const running = yield* now
      let consuming = 0n
      const chunks = yield* run(Stream.runCollect(stream.pipe(
        Stream.tap(() => Effect.andThen(Effect.sleep("2 millis"), Effect.map(now, (time) => void (consuming = time))))
      )))
      const [span] = named("StorageProvider.read")
      const status = span!.status
      assert.isTrue(status._tag === "Ended" && status.endTime >= consuming)
      assert.isTrue(span!.startTime >= running && span!.startTime < consuming)
      assert.strictEqual(span!.attributes.get("strata.storage.size"), 900)
      assert.strictEqual(chunks.reduce((n, c) => n + c.byteLength, 0), 900)
      assert.strictEqual(span!.attributes.get("strata.storage.status"), "success")
    }))

  it.effect("read of a missing key: the stream span ends with error.NotFound", () =>
    Effect.gen(function*() {
      const { provider, run, named } = yield* capture
      yield* Effect.exit(run(Stream.runDrain(provider.read("nope"))))
      const [span] = named("StorageProvider.read")
      assert.strictEqual(span!.status._tag, "Ended")
      assert.strictEqual(span!.attributes.get("strata.storage.status"), "error.NotFound")
    }))

  it.effect("list stopped early or interrupted by its consumer: the span still ends", () =>
    Effect.gen(function*() {
      const { provider, run, named } = yield* capture
      for (const key of ["a", "b", "c"]) yield* run(seed(provider, key, 1))
      const first = yield* run(Stream.runCollect(provider.list().pipe(Stream.rechunk(1), Stream.take(1))))
      assert.strictEqual(first.length, 1)
      const [span] = named("StorageProvider.list")
      assert.strictEqual(span!.status._tag, "Ended")
      // The provider emitted its one chunk of three entries before the consumer stopped.
      assert.strictEqual(span!.attributes.get("strata.storage.entries"), 3)
      yield* Effect.exit(run(Stream.runDrain(provider.list().pipe(Stream.tap(() => Effect.interrupt)))))
      const interrupted = named("StorageProvider.list")[1]!
      assert.strictEqual(interrupted.status._tag, "Ended")
      assert.strictEqual(interrupted.attributes.get("strata.storage.status"), "error.Interrupted")
    }))

  it.effect("put of a streamed body counts the bytes sent; copy, head, delete and list have their spans", () =>
    Effect.gen(function*() {
      const { provider, run, named } = yield* capture
      yield* run(provider.put("s.bin", Stream.make(bytes(3), bytes(4)).pipe(Stream.rechunk(1))))
      yield* run(provider.copy("s.bin", "t.bin"))
      yield* run(provider.head("t.bin"))
      yield* run(Stream.runDrain(provider.list({ prefix: "" })))
      yield* run(provider.delete("s.bin"))
      assert.strictEqual(named("StorageProvider.put")[0]!.attributes.get("strata.storage.size"), 7)
      const copy = named("StorageProvider.copy")[0]!
      assert.strictEqual(copy.attributes.get("strata.storage.key"), "s.bin")
      assert.strictEqual(copy.attributes.get("strata.storage.target"), "t.bin")
      assert.strictEqual(copy.attributes.get("strata.storage.size"), 7)
      assert.strictEqual(named("StorageProvider.head")[0]!.attributes.get("strata.storage.size"), 7)
      assert.strictEqual(named("StorageProvider.list")[0]!.attributes.get("strata.storage.entries"), 2)
      assert.strictEqual(named("StorageProvider.delete")[0]!.attributes.get("strata.storage.status"), "success")
    }))
})

describe("StorageInstrumentation metrics", () => {
  it.effect("counts requests and responses per operation and status, with base attributes", () =>
    Effect.gen(function*() {
      const { provider, run, registry } = yield* capture
      yield* run(seed(provider, "x.bin", 5))
      yield* run(provider.getBytes("x.bin"))
      yield* run(provider.getBytes("x.bin"))
      yield* Effect.exit(run(provider.getBytes("gone")))
      const base = {
        team: "storage",
        "strata.version": "0.1.0",
        "strata.storage.provider": "memory",
        "strata.storage.operation": "read"
      }
      const requests = metricValue(registry, StorageMetricNames.requestSum, base)
      assert.deepStrictEqual(requests, { value: 3, series: 1 })
      assert.strictEqual(
        metricValue(registry, StorageMetricNames.requestSum, { ...base, unit: "{request}" }).value,
        3
      )
      const ok = { ...base, "strata.storage.status": "success" }
      const notFound = { ...base, "strata.storage.status": "error.NotFound" }
      assert.strictEqual(metricValue(registry, StorageMetricNames.responseSum, ok).value, 2)
      assert.strictEqual(metricValue(registry, StorageMetricNames.responseSum, notFound).value, 1)
      assert.strictEqual(metricValue(registry, StorageMetricNames.dataSizeSum, ok).value, 10)
      assert.strictEqual(metricValue(registry, StorageMetricNames.dataSize, { ...ok, unit: "By" }).value, 5)
      assert.strictEqual(metricValue(registry, StorageMetricNames.dataSizeSum, notFound).series, 0)
      assert.strictEqual(metricValue(registry, StorageMetricNames.latency, { ...notFound, unit: "s" }).series, 1)
      const writes = { ...base, "strata.storage.operation": "write", "strata.storage.status": "success" }
      assert.strictEqual(metricValue(registry, StorageMetricNames.dataSizeSum, writes).value, 5)
    }))

  it.effect("with no tracer installed: no spans are made, the metrics are still recorded", () =>
    Effect.gen(function*() {
      const { provider, spans, registry } = yield* capture
      const noTracer = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.provideService(effect, Metric.MetricRegistry, registry).pipe(Effect.ensuring(flush))
      yield* noTracer(seed(provider, "x.bin", 5))
      yield* noTracer(provider.getBytes("x.bin").pipe(Effect.withSpan("outer")))
      yield* noTracer(Stream.runDrain(provider.read("x.bin")))
      assert.strictEqual(spans.length, 0)
      const reads = { "strata.storage.operation": "read", "strata.storage.status": "success" }
      assert.strictEqual(metricValue(registry, StorageMetricNames.responseSum, reads).value, 2)
      assert.strictEqual(metricValue(registry, StorageMetricNames.dataSizeSum, reads).value, 10)
    }))

  it.effect("info and list move no data: no data_size series", () =>
    Effect.gen(function*() {
      const { provider, run, registry } = yield* capture
      yield* run(seed(provider, "x.bin", 5))
      yield* run(provider.head("x.bin"))
      yield* run(Stream.runDrain(provider.list()))
      for (const operation of ["info", "list"]) {
        const attributes = { "strata.storage.operation": operation }
        assert.strictEqual(metricValue(registry, StorageMetricNames.responseSum, attributes).value, 1)
        assert.strictEqual(metricValue(registry, StorageMetricNames.dataSizeSum, attributes).series, 0)
      }
    }))

  it.effect("instrumentationWrap uses the config's attributes and the profile name", () =>
    Effect.gen(function*() {
      const { spans, registry, tracer } = yield* capture
      const config = {
        profiles: {},
        pathMapping: [],
        opentelemetry: { metrics: { attributes: [{ type: "static", options: { attributes: { site: "a" } } }] } }
      }
      const wrap = instrumentationWrap(config, {})
      const provider = yield* Effect.scoped(wrap("data", FILESYSTEM_PROFILE_CONFIG, yield* Memory.make()))
      yield* provider.put("k", bytes(1)).pipe(
        Effect.withTracer(tracer),
        Effect.provideService(Metric.MetricRegistry, registry),
        Effect.ensuring(flush)
      )
      assert.strictEqual(spans[0]!.attributes.get("strata.storage.profile"), "data")
      assert.strictEqual(metricValue(registry, StorageMetricNames.requestSum, { site: "a" }).value, 1)
    }))
})

const section = (...attributes: ReadonlyArray<unknown>) => ({ metrics: { attributes } })

describe("resolveMetricAttributes", () => {
  it.effect("static, environment_variables, host and process; later providers override earlier keys", () =>
    Effect.gen(function*() {
      const resolved = yield* resolveMetricAttributes(
        section(
          { type: "static", options: { attributes: { a: "1", b: "static" } } },
          { type: "environment_variables", options: { attributes: { b: "B_VAR", c: "MISSING_VAR" } } },
          { type: "host", options: { attributes: { h: "name" } } },
          { type: "process", options: { attributes: { p: "pid" } } }
        ),
        { B_VAR: "from-env" }
      )
      assert.deepStrictEqual(resolved, { a: "1", b: "from-env", h: hostname(), p: String(process.pid) })
    }))

  it.effect("no section or no attributes: nothing", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* resolveMetricAttributes(undefined, {}), {})
      assert.deepStrictEqual(yield* resolveMetricAttributes({ metrics: {} }, {}), {})
    }))

  it.effect("an unknown type is a ConfigError naming it and the supported types", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolveMetricAttributes(section({ type: "bogus", options: {} }), {}))
      assert.strictEqual(error._tag, "ConfigError")
      assert.include(error.message, "'bogus'")
      assert.include(error.message, "static, environment_variables, host, process")
      assert.strictEqual(error.path, "opentelemetry.metrics.attributes[0].type")
      const msc = yield* Effect.flip(resolveMetricAttributes(section({ type: "msc_config", options: {} }), {}))
      assert.include(msc.message, "not supported")
      const fqcn = yield* Effect.flip(resolveMetricAttributes(section({ type: "my.module.Attrs", options: {} }), {}))
      assert.include(fqcn.message, "Python class names are not supported")
    }))

  it.effect("a host or process field other than name / pid is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        resolveMetricAttributes(section({ type: "host", options: { attributes: { h: "ip" } } }), {})
      )
      assert.include(error.message, "unknown field 'ip'")
      assert.strictEqual(error.path, "opentelemetry.metrics.attributes[0].options.attributes.h")
    }))
})
