/**
 * The Effect tracer used when telemetry exports traces: light spans of our
 * own, handed to the exporters only when they end.
 *
 * `@effect/opentelemetry`'s tracer makes every Effect span through the SDK's
 * `Tracer.startSpan`: a context lookup, the sampler, an SDK span object with
 * its own attribute limits and self-metrics, and a second copy of every
 * attribute. On a 4 KiB storage read that was most of the telemetry cost
 * (`bench/storage-instrumentation.ts`). Here a span is one object: ids are
 * slices of a pre-filled random buffer (`spanIds.ts`), attributes go into a
 * plain object, the sampling decision is made once at the start
 * (`sampler.ts`, same decisions as the SDK's), and an unsampled span records
 * nothing. At the end a sampled span goes to the sinks: the OTLP protobuf
 * batch exporter encodes it at once (`spanBatchExporter.ts`), the SDK's
 * span processors (console, OTLP JSON) get one `ReadableSpan`-shaped record.
 *
 * Error status is the SDK tracer's: a failure sets status ERROR with the
 * first error's message and an `exception` event per error; an interruption
 * sets `effect.fiber.interrupted`.
 *
 * @since 0.1.0
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext, SpanStatus } from "@opentelemetry/api"
import { SpanKind as OtelSpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api"
import type { Resource } from "@opentelemetry/resources"
import type { ReadableSpan, SpanProcessor, TimedEvent } from "@opentelemetry/sdk-trace-base"
import { Cause, Inspectable, Option, Tracer } from "effect"
import type { Context, Exit } from "effect"
import { newSpanId, newTraceId } from "./spanIds.ts"
import { type SpanLimits, truncated } from "./spanLimits.ts"

/**
 * What the tracer hands finished spans to.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExportTracerOptions {
  /** Where sampled spans go when they end. */
  readonly sinks: ReadonlyArray<SpanSink>
  /** Whether a span of `traceId` is sampled, given its parent's decision (see `sampler.ts`). */
  readonly sample: (traceId: string, parentSampled: boolean | undefined) => boolean
  readonly limits: SpanLimits
}

/**
 * Receives each sampled span once, when it ends, with its OpenTelemetry
 * status; it must not keep the span (its exit holds the operation's result).
 *
 * @since 0.1.0
 * @category models
 */
export interface SpanSink {
  readonly spanEnded: (span: ExportSpan, endTime: bigint, status: SpanStatus) => void
}

/**
 * The OpenTelemetry API's span kind of each Effect span kind.
 *
 * @since 0.1.0
 * @category conversions
 */
export const OTEL_SPAN_KINDS: Record<Tracer.SpanKind, OtelSpanKind> = {
  internal: OtelSpanKind.INTERNAL,
  client: OtelSpanKind.CLIENT,
  server: OtelSpanKind.SERVER,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER
}

const NANOS = 1_000_000_000n
const hrTime = (nanos: bigint): HrTime => [Number(nanos / NANOS), Number(nanos % NANOS)]
/** `end - start`, or zero if the clock went back. */
const hrTimeBetween = (start: HrTime, end: HrTime): HrTime => {
  const nanos = (end[0] - start[0]) * 1e9 + (end[1] - start[1])
  return nanos > 0 ? [Math.floor(nanos / 1e9), nanos % 1e9] : [0, 0]
}

const isPrimitiveArray = (array: ReadonlyArray<unknown>): boolean => {
  const type = typeof array[0]
  return (array.length === 0 || type === "string" || type === "number" || type === "boolean") &&
    array.every((item) => typeof item === type)
}

/**
 * An OpenTelemetry attribute value for any Effect attribute value (as `@effect/opentelemetry` converts them).
 *
 * @since 0.1.0
 * @category conversions
 */
export const attributeValue = (value: unknown): AttributeValue => {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value
  if (typeof value === "bigint") return value.toString()
  if (Array.isArray(value) && isPrimitiveArray(value)) return value.slice() as AttributeValue
  return Inspectable.toStringUnknown(value)
}

/** Sets an attribute; `__proto__` as a key would set the object's prototype instead. */
const setAttribute = (attributes: Attributes, key: string, value: AttributeValue): void => {
  if (key === "__proto__") Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true })
  else attributes[key] = value
}

const attributesOf = (record: Readonly<Record<string, unknown>>): Attributes => {
  const attributes: Attributes = {}
  for (const key in record) setAttribute(attributes, key, attributeValue(record[key]))
  return attributes
}

/**
 * Whether a span came from another process (a parsed `traceparent`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRemote = (span: Tracer.AnySpan): boolean => span._tag === "ExternalSpan"

const spanContextOf = (span: Tracer.AnySpan): SpanContext => ({
  traceId: span.traceId,
  spanId: span.spanId,
  traceFlags: span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  isRemote: isRemote(span)
})

const OK: SpanStatus = { code: SpanStatusCode.OK }
const UNSET: SpanStatus = { code: SpanStatusCode.UNSET }
/** Shared by spans without links or events (exporters only read them). */
const NONE: Array<never> = []

/** A finished span as the SDK's processors and exporters read it. */
class FinishedSpan implements ReadableSpan {
  readonly name: string
  readonly kind: OtelSpanKind
  readonly parentSpanContext?: SpanContext
  readonly startTime: HrTime
  readonly endTime: HrTime
  readonly duration: HrTime
  readonly status: SpanStatus
  readonly attributes: Attributes
  readonly links: Array<Link>
  readonly events: Array<TimedEvent>
  readonly resource: Resource
  readonly instrumentationScope: ReadableSpan["instrumentationScope"]
  readonly ended = true
  readonly droppedAttributesCount: number
  readonly droppedEventsCount: number
  readonly droppedLinksCount: number
  readonly context: SpanContext
  constructor(span: ExportSpan, endTime: bigint, status: SpanStatus, options: ProcessorSinkOptions) {
    this.name = span.name
    this.kind = OTEL_SPAN_KINDS[span.kind]
    this.context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED }
    if (span.parent._tag === "Some") this.parentSpanContext = spanContextOf(span.parent.value)
    this.startTime = hrTime(span.startTime)
    this.endTime = hrTime(endTime)
    this.duration = hrTimeBetween(this.startTime, this.endTime)
    this.status = status
    this.attributes = span.otelAttributes
    const { linkCount } = options
    this.links = span.links.length === 0
      ? NONE
      : span.links.slice(0, linkCount).map((link) => ({
        context: spanContextOf(link.span),
        attributes: attributesOf(link.attributes)
      }))
    this.droppedLinksCount = Math.max(0, span.links.length - linkCount)
    this.events = span.otelEvents ?? NONE
    this.droppedAttributesCount = span.droppedAttributes
    this.droppedEventsCount = span.droppedEvents
    this.resource = options.resource
    this.instrumentationScope = options.scope
  }
  spanContext(): SpanContext {
    return this.context
  }
}

type SpanOptions = Parameters<Tracer.Tracer["span"]>[0]

/**
 * An Effect span of the export tracer. Unsampled spans keep their ids (for
 * propagation) and nothing else.
 *
 * @since 0.1.0
 * @category models
 */
export class ExportSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly annotations: Context.Context<never>
  readonly links: Array<Tracer.SpanLink>
  readonly kind: Tracer.SpanKind
  readonly startTime: bigint
  readonly traceId: string
  readonly spanId: string
  readonly sampled: boolean
  status: Tracer.SpanStatus
  /** What is exported; filled only when sampled. */
  readonly otelAttributes: Attributes = {}
  otelEvents: Array<TimedEvent> | undefined = undefined
  attributeCount = 0
  droppedAttributes = 0
  droppedEvents = 0
  private effectAttributes: Map<string, unknown> | undefined = undefined
  private readonly options: ExportTracerOptions

  constructor(options: SpanOptions, tracer: ExportTracerOptions) {
    this.name = options.name
    this.parent = options.parent
    this.annotations = options.annotations
    this.links = options.links
    this.kind = options.kind
    this.startTime = options.startTime
    this.options = tracer
    const parent = Option.getOrUndefined(options.parent)
    this.traceId = parent?.traceId ?? newTraceId()
    this.spanId = newSpanId()
    this.sampled = tracer.sample(this.traceId, parent?.sampled)
    this.status = { _tag: "Started", startTime: options.startTime }
  }

  /** Effect's view of the attributes (built on first read: nothing in the hot path reads them). */
  get attributes(): ReadonlyMap<string, unknown> {
    return this.effectAttributes ??= new Map(Object.entries(this.otelAttributes))
  }

  attribute(key: string, value: unknown): void {
    if (!this.sampled || this.status._tag === "Ended") return
    const { attributeCount, attributeValueLength } = this.options.limits
    if (this.otelAttributes[key] === undefined) {
      if (this.attributeCount >= attributeCount) {
        this.droppedAttributes++
        return
      }
      this.attributeCount++
    }
    setAttribute(this.otelAttributes, key, truncated(attributeValue(value), attributeValueLength))
    this.effectAttributes?.set(key, value)
  }

  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    if (!this.sampled || this.status._tag === "Ended") return
    this.pushEvent({
      name,
      time: hrTime(startTime),
      attributes: attributes === undefined ? {} : attributesOf(attributes),
      droppedAttributesCount: 0
    })
  }

  /** Adds an event within the event count limit. */
  private pushEvent(event: TimedEvent): void {
    const events = this.otelEvents ??= []
    if (events.length < this.options.limits.eventCount) events.push(event)
    else this.droppedEvents++
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    if (this.status._tag === "Ended") return
    for (const link of links) this.links.push(link)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    if (this.status._tag === "Ended") return
    this.status = { _tag: "Ended", startTime: this.startTime, endTime, exit }
    if (!this.sampled) return
    const status = this.outcome(endTime, exit)
    for (const sink of this.options.sinks) sink.spanEnded(this, endTime, status)
  }

  /** The span status, with the failure's exception events. */
  private outcome(endTime: bigint, exit: Exit.Exit<unknown, unknown>): SpanStatus {
    if (exit._tag === "Success") return OK
    if (Cause.hasInterruptsOnly(exit.cause)) {
      this.otelAttributes["effect.fiber.interrupted"] = true
      return UNSET
    }
    const errors = Cause.prettyErrors(exit.cause, { includeCauseInStack: true })
    if (errors.length === 0) return OK
    for (const error of errors) {
      this.pushEvent({
        name: "exception",
        time: hrTime(endTime),
        attributes: {
          "exception.type": error.name,
          "exception.message": error.message,
          "exception.stacktrace": error.stack ?? ""
        },
        droppedAttributesCount: 0
      })
    }
    return { code: SpanStatusCode.ERROR, message: errors[0]!.message }
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ProcessorSinkOptions {
  readonly resource: Resource
  readonly scope: ReadableSpan["instrumentationScope"]
  readonly linkCount: number
}

/**
 * A sink handing each span to OpenTelemetry SDK span processors (the
 * console exporter, OTLP/HTTP JSON) as a `ReadableSpan` record.
 *
 * @since 0.1.0
 * @category constructors
 */
export const processorSink = (processors: ReadonlyArray<SpanProcessor>, options: ProcessorSinkOptions): SpanSink => ({
  spanEnded: (span, endTime, status) => {
    const finished = new FinishedSpan(span, endTime, status, options)
    for (const processor of processors) processor.onEnd(finished)
  }
})

/**
 * The tracer: makes `ExportSpan`s and hands the sampled ones to the sinks
 * when they end.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: ExportTracerOptions): Tracer.Tracer =>
  Tracer.make({ span: (spanOptions) => new ExportSpan(spanOptions, options) })
