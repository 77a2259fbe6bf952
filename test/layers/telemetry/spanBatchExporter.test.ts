import { assert, describe, it } from "@effect/vitest"
import { type ExportResult, ExportResultCode } from "@opentelemetry/core"
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer"
import { resourceFromAttributes } from "@opentelemetry/resources"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Tracer } from "effect"
import * as ExportTracer from "../../../src/layers/telemetry/exportTracer.ts"
import { requestFrame } from "../../../src/layers/telemetry/otlpSpanEncoder.ts"
import { ProtobufWriter } from "../../../src/layers/telemetry/protobufWriter.ts"
import { SpanBatchExporter } from "../../../src/layers/telemetry/spanBatchExporter.ts"
import { defaultSpanLimits } from "../../../src/layers/telemetry/spanLimits.ts"
import { decodeTraceRequest, type OtlpAttribute, type OtlpSpan } from "../../support/otlpTraces.ts"

const resource = resourceFromAttributes({ "service.name": "batch-exporter-test", "host.count": 2 })
const scope = { name: "effect", version: "test" }

interface Sent {
  readonly bytes: Uint8Array
  readonly count: number
}

const delivered: ExportResult = { code: ExportResultCode.SUCCESS }

/** A batch exporter whose sends are recorded; `answer` decides when and how each one completes. */
const recordingExporter = (
  options: Partial<{ maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMillis: number }> = {},
  answer: (done: (result: ExportResult) => void) => void = (done) => done(delivered)
) => {
  const sent: Array<Sent> = []
  const outcomes: Array<{ readonly code: ExportResultCode; readonly spans: number }> = []
  const exporter = new SpanBatchExporter({
    maxQueueSize: options.maxQueueSize ?? 2048,
    maxExportBatchSize: options.maxExportBatchSize ?? 512,
    scheduledDelayMillis: options.scheduledDelayMillis ?? 60_000,
    linkCount: defaultSpanLimits.linkCount,
    frame: requestFrame(resource.attributes, scope)
  }, (batch, done) => {
    sent.push(batch)
    answer(done)
  }, (result, spans) => outcomes.push({ code: result.code, spans }))
  return { exporter, sent, outcomes }
}

/** Flushes, answering the requests as they are sent (each is sent once the one before has answered). */
const flushAnswering = async (
  exporter: SpanBatchExporter,
  pending: Array<(result: ExportResult) => void>,
  answers: number
) => {
  const flushed = exporter.forceFlush()
  for (let i = 0; i < answers; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    pending.shift()!(delivered)
  }
  await flushed
}

const tracerWith = (sinks: ReadonlyArray<ExportTracer.SpanSink>) =>
  ExportTracer.make({ sinks, sample: () => true, limits: defaultSpanLimits })

/** The SDK's OTLP JSON of `spans`, as the receiver would read it. */
const sdkJson = (spans: Parameters<typeof JsonTraceSerializer.serializeRequest>[0]) =>
  JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)))

/** Attribute values compared as the protobuf carries them (ints as decimal strings). */
const normal = (attributes: ReadonlyArray<OtlpAttribute> | undefined) =>
  (attributes ?? []).map(({ key, value }) => ({
    key,
    value: JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "number" && Number.isInteger(v) ? String(v) : v)))
  }))

const comparable = (span: OtlpSpan) => ({
  traceId: span.traceId,
  spanId: span.spanId,
  parentSpanId: span.parentSpanId || undefined,
  name: span.name,
  kind: span.kind,
  start: String(span.startTimeUnixNano),
  end: String(span.endTimeUnixNano),
  attributes: normal(span.attributes),
  events: (span.events ?? []).map((event) => ({ name: event.name, time: String(event.timeUnixNano), attributes: normal(event.attributes) })),
  links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: normal(link.attributes), flags: link.flags })),
  status: { code: span.status?.code ?? 0, message: span.status?.message || undefined },
  flags: span.flags
})

const byId = (spans: ReadonlyArray<OtlpSpan>) => spans.map(comparable).toSorted((a, b) => a.spanId.localeCompare(b.spanId))

describe("SpanBatchExporter", () => {
  it.live("encodes spans as the SDK's serializer does: ids, parents, kinds, times, attributes, events, links, status", () =>
    Effect.gen(function*() {
      const memory = new InMemorySpanExporter()
      const { exporter, sent } = recordingExporter()
      const tracer = tracerWith([
        ExportTracer.processorSink([new SimpleSpanProcessor(memory)], { resource, scope, linkCount: defaultSpanLimits.linkCount }),
        exporter
      ])
      const linked = Tracer.externalSpan({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", sampled: true })
      const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`attribute.${i}`, `value ${i} `.repeat(20)]))
      yield* Effect.gen(function*() {
        yield* Effect.annotateCurrentSpan({
          text: "plain",
          unicode: "größe ✓ 日本",
          long: "x".repeat(300),
          int: 4096,
          negative: -42,
          double: 0.25,
          flag: true,
          list: ["a", "b"],
          numbers: [1, 2.5]
        })
        yield* Effect.sync(() => undefined).pipe(Effect.withSpan("big", { attributes: many }))
        yield* Effect.fail(new Error("disk on fire")).pipe(Effect.withSpan("failing", { kind: "client" }), Effect.ignore)
      }).pipe(
        Effect.withSpan("parent", { kind: "server", links: [{ span: linked, attributes: { why: "retry", attempt: 2 } }] }),
        Effect.withTracer(tracer)
      )
      yield* Effect.promise(() => exporter.forceFlush())
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(sent[0]!.count, 3)
      const decoded = decodeTraceRequest(sent[0]!.bytes)
      assert.deepStrictEqual(decoded.scope, scope)
      const expected = sdkJson(memory.getFinishedSpans())
      const expectedSpans: Array<OtlpSpan> = expected.resourceSpans[0].scopeSpans[0].spans
      assert.deepStrictEqual(normal(decoded.resourceAttributes), normal(expected.resourceSpans[0].resource.attributes))
      assert.deepStrictEqual(byId(decoded.spans), byId(expectedSpans))
      const failing = decoded.spans.find((span) => span.name === "failing")!
      assert.strictEqual(failing.status?.code, 2)
      assert.strictEqual(failing.events?.[0]?.name, "exception")
    }))

  it("sends a batch when it is full, and the rest on flush", async () => {
    const { exporter, sent } = recordingExporter({ maxExportBatchSize: 3 })
    const tracer = tracerWith([exporter])
    for (let i = 0; i < 7; i++) Effect.runSync(Effect.withTracer(Effect.withSpan(Effect.void, `span ${i}`), tracer))
    assert.deepStrictEqual(sent.map((batch) => batch.count), [3, 3])
    await exporter.forceFlush()
    assert.deepStrictEqual(sent.map((batch) => batch.count), [3, 3, 1])
    assert.deepStrictEqual(sent.flatMap((batch) => decodeTraceRequest(batch.bytes).spans.map((span) => span.name)), Array.from({ length: 7 }, (_, i) => `span ${i}`))
  })

  it("keeps recurring names and keys right across batches (the writer reuses its buffer)", async () => {
    const { exporter, sent } = recordingExporter({ maxExportBatchSize: 2 })
    const tracer = tracerWith([exporter])
    for (let i = 0; i < 6; i++) {
      Effect.runSync(Effect.withTracer(Effect.withSpan(Effect.void, i % 2 === 0 ? "even" : "odd", { attributes: { "strata.index": i } }), tracer))
    }
    await exporter.forceFlush()
    const spans = sent.flatMap((batch) => decodeTraceRequest(batch.bytes).spans)
    assert.deepStrictEqual(spans.map((span) => span.name), ["even", "odd", "even", "odd", "even", "odd"])
    assert.deepStrictEqual(spans.map((span) => span.attributes?.[0]), Array.from({ length: 6 }, (_, i) => ({ key: "strata.index", value: { intValue: String(i) } })))
  })

  it("sends a batch after the scheduled delay without a flush", async () => {
    const { exporter, sent } = recordingExporter({ scheduledDelayMillis: 10 })
    Effect.runSync(Effect.withTracer(Effect.withSpan(Effect.void, "alone"), tracerWith([exporter])))
    assert.strictEqual(sent.length, 0)
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.deepStrictEqual(sent.map((batch) => batch.count), [1])
  })

  it("drops and counts spans beyond the queue while the collector does not answer", async () => {
    const pending: Array<(result: ExportResult) => void> = []
    const { exporter, sent } = recordingExporter({ maxQueueSize: 4, maxExportBatchSize: 2 }, (done) => pending.push(done))
    const tracer = tracerWith([exporter])
    for (let i = 0; i < 10; i++) Effect.runSync(Effect.withTracer(Effect.withSpan(Effect.void, `span ${i}`), tracer))
    // One request in flight (2 spans), one waiting (2): the queue is full, six are dropped.
    assert.strictEqual(sent.length, 1)
    assert.strictEqual(exporter.dropped, 6)
    assert.strictEqual(exporter.ended, 10)
    await flushAnswering(exporter, pending, 2)
    assert.deepStrictEqual(sent.map((batch) => batch.count), [2, 2])
  })

  it("tells each request's outcome with its span count, and counts what is not delivered yet", async () => {
    const pending: Array<(result: ExportResult) => void> = []
    const { exporter, outcomes } = recordingExporter({ maxExportBatchSize: 2 }, (done) => pending.push(done))
    const tracer = tracerWith([exporter])
    for (let i = 0; i < 5; i++) Effect.runSync(Effect.withTracer(Effect.withSpan(Effect.void, `span ${i}`), tracer))
    // Sending 2, waiting 2, open batch 1.
    assert.strictEqual(exporter.unsent, 5)
    pending.shift()!({ code: ExportResultCode.FAILED, error: new Error("connect ECONNREFUSED 127.0.0.1:9") })
    assert.strictEqual(exporter.unsent, 3)
    await flushAnswering(exporter, pending, 2)
    assert.strictEqual(exporter.unsent, 0)
    assert.deepStrictEqual(outcomes, [
      { code: ExportResultCode.FAILED, spans: 2 },
      { code: ExportResultCode.SUCCESS, spans: 2 },
      { code: ExportResultCode.SUCCESS, spans: 1 }
    ])
  })
})

describe("ProtobufWriter", () => {
  it("writes varints, negative int64s and lengths that outgrow their reservation", () => {
    const writer = new ProtobufWriter(4)
    writer.varint(300)
    writer.int64(-1)
    const mark = writer.begin()
    writer.string("é".repeat(100))
    writer.end(mark)
    const bytes = writer.take()
    assert.deepStrictEqual(Array.from(bytes.subarray(0, 2)), [0xac, 0x02])
    assert.deepStrictEqual(Array.from(bytes.subarray(2, 12)), [255, 255, 255, 255, 255, 255, 255, 255, 255, 1])
    // The nested body is 2 (length of the string: 200 bytes) + 200 = 202 bytes: its length takes two bytes.
    assert.deepStrictEqual(Array.from(bytes.subarray(12, 14)), [0xca, 0x01])
    assert.strictEqual(Buffer.from(bytes.slice(16)).toString("utf8"), "é".repeat(100))
    assert.strictEqual(bytes.byteLength, 16 + 200)
  })
})
