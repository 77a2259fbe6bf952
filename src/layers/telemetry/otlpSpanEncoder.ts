/**
 * OTLP protobuf encoding of the export tracer's spans
 * (`opentelemetry.proto.trace.v1`), written straight from an ended
 * `ExportSpan` into a batch buffer: no finished-span record, no OTLP object
 * tree, nothing kept of the span once it is encoded. A batch becomes one
 * `ExportTraceServiceRequest` (one resource, one scope) by prefixing the
 * resource and scope, encoded once.
 *
 * The fields and their defaults are those the SDK's protobuf serializer
 * writes for the same span (kind offset by one, `flags` with the
 * "has is-remote" bit, integer attributes as `int_value`, other numbers as
 * `double_value`).
 *
 * @since 0.1.0
 */
import type { Attributes, AttributeValue, SpanStatus } from "@opentelemetry/api"
import type { ExportSpan } from "./exportTracer.ts"
import { attributeValue, isRemote, OTEL_SPAN_KINDS } from "./exportTracer.ts"
import { encoded, FIXED32, FIXED64, LEN, type ProtobufWriter, VARINT, varintSize } from "./protobufWriter.ts"

/** A span's encoding is usually 128 bytes to 16 KiB long. */
const SPAN_LENGTH_BYTES = 2
const HAS_IS_REMOTE = 0x100
const IS_REMOTE = 0x200
const NANOS = 1_000_000_000n

/** `AnyValue` fields. */
const anyValue = (writer: ProtobufWriter, value: AttributeValue | null | undefined): void => {
  if (typeof value === "string") {
    writer.tag(1, LEN)
    writer.string(value)
  } else if (typeof value === "boolean") {
    writer.tag(2, VARINT)
    writer.varint(value ? 1 : 0)
  } else if (typeof value === "number") {
    if (Number.isSafeInteger(value)) {
      writer.tag(3, VARINT)
      writer.int64(value)
    } else {
      writer.tag(4, FIXED64)
      writer.double(value)
    }
  } else if (Array.isArray(value)) {
    writer.tag(5, LEN)
    const array = writer.begin()
    for (const item of value) {
      writer.tag(1, LEN)
      const element = writer.begin()
      anyValue(writer, item)
      writer.end(element)
    }
    writer.end(array)
  }
}

/** One `KeyValue` under `field`. */
const keyValue = (writer: ProtobufWriter, field: number, key: string, value: AttributeValue | null | undefined): void => {
  writer.tag(field, LEN)
  const pair = writer.begin()
  writer.tag(1, LEN)
  writer.name(key)
  writer.tag(2, LEN)
  const mark = writer.begin()
  anyValue(writer, value)
  writer.end(mark)
  writer.end(pair)
}

/** Repeated `KeyValue` under `field`. */
const attributes = (writer: ProtobufWriter, field: number, values: Attributes): void => {
  for (const key in values) keyValue(writer, field, key, values[key])
}

const count = (writer: ProtobufWriter, field: number, value: number): void => {
  if (value === 0) return
  writer.tag(field, VARINT)
  writer.varint(value)
}

const spanFlags = (sampled: boolean, remote: boolean): number =>
  (sampled ? 1 : 0) | HAS_IS_REMOTE | (remote ? IS_REMOTE : 0)

/**
 * Appends one `Span` (field 2 of `ScopeSpans`) for an ended span.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeSpan = (
  writer: ProtobufWriter,
  span: ExportSpan,
  endTime: bigint,
  status: SpanStatus,
  linkCount: number
): void => {
  writer.tag(2, LEN)
  const mark = writer.begin(SPAN_LENGTH_BYTES)
  writer.tag(1, LEN)
  writer.hexBytes(span.traceId)
  writer.tag(2, LEN)
  writer.hexBytes(span.spanId)
  const parent = span.parent._tag === "Some" ? span.parent.value : undefined
  if (parent !== undefined) {
    writer.tag(4, LEN)
    writer.hexBytes(parent.spanId)
  }
  writer.tag(5, LEN)
  writer.name(span.name)
  // OTLP's SpanKind is the API's plus one (0 is "unspecified").
  writer.tag(6, VARINT)
  writer.varint(OTEL_SPAN_KINDS[span.kind] + 1)
  writer.tag(7, FIXED64)
  writer.fixed64(span.startTime)
  writer.tag(8, FIXED64)
  writer.fixed64(endTime)
  attributes(writer, 9, span.otelAttributes)
  count(writer, 10, span.droppedAttributes)
  for (const event of span.otelEvents ?? []) {
    writer.tag(11, LEN)
    const mark = writer.begin()
    writer.tag(1, FIXED64)
    writer.fixed64(BigInt(event.time[0]) * NANOS + BigInt(event.time[1]))
    writer.tag(2, LEN)
    writer.name(event.name)
    if (event.attributes !== undefined) attributes(writer, 3, event.attributes)
    count(writer, 4, event.droppedAttributesCount ?? 0)
    writer.end(mark)
  }
  count(writer, 12, span.droppedEvents)
  const links = span.links.length > linkCount ? span.links.slice(0, linkCount) : span.links
  for (const link of links) {
    writer.tag(13, LEN)
    const mark = writer.begin()
    writer.tag(1, LEN)
    writer.hexBytes(link.span.traceId)
    writer.tag(2, LEN)
    writer.hexBytes(link.span.spanId)
    for (const key in link.attributes) keyValue(writer, 4, key, attributeValue(link.attributes[key]))
    writer.tag(6, FIXED32)
    writer.fixed32(spanFlags(link.span.sampled, isRemote(link.span)))
    writer.end(mark)
  }
  count(writer, 14, span.links.length - links.length)
  writer.tag(15, LEN)
  const statusMark = writer.begin()
  if (status.message !== undefined && status.message !== "") {
    writer.tag(2, LEN)
    writer.string(status.message)
  }
  writer.tag(3, VARINT)
  writer.varint(status.code)
  writer.end(statusMark)
  writer.tag(16, FIXED32)
  writer.fixed32(spanFlags(true, parent !== undefined && isRemote(parent)))
  writer.end(mark, SPAN_LENGTH_BYTES)
}

/**
 * What goes before a batch's spans: the request's `ResourceSpans` with the
 * resource, and its `ScopeSpans` with the scope, whose lengths depend on the
 * batch. Encoded once per exporter.
 *
 * @since 0.1.0
 * @category encoding
 */
export interface RequestFrame {
  readonly resource: Uint8Array
  readonly scope: Uint8Array
}

/**
 * @since 0.1.0
 * @category encoding
 */
export const requestFrame = (
  resourceAttributes: Attributes,
  scope: { readonly name: string; readonly version?: string | undefined }
): RequestFrame => ({
  resource: encoded((writer) => {
    writer.tag(1, LEN)
    const mark = writer.begin()
    attributes(writer, 1, resourceAttributes)
    writer.end(mark)
  }),
  scope: encoded((writer) => {
    writer.tag(1, LEN)
    const mark = writer.begin()
    writer.tag(1, LEN)
    writer.string(scope.name)
    if (scope.version !== undefined) {
      writer.tag(2, LEN)
      writer.string(scope.version)
    }
    writer.end(mark)
  })
})

/**
 * One `ExportTraceServiceRequest` from a batch's encoded spans (one copy of
 * them).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeRequest = (frame: RequestFrame, spans: Uint8Array): Uint8Array => {
  const scopeSpansLength = frame.scope.byteLength + spans.byteLength
  const resourceSpansLength = frame.resource.byteLength + 1 + varintSize(scopeSpansLength) + scopeSpansLength
  const head = encoded((writer) => {
    writer.tag(1, LEN)
    writer.varint(resourceSpansLength)
  })
  const middle = encoded((writer) => {
    writer.tag(2, LEN)
    writer.varint(scopeSpansLength)
  })
  const request = new Uint8Array(head.byteLength + resourceSpansLength)
  let pos = 0
  for (const part of [head, frame.resource, middle, frame.scope, spans]) {
    request.set(part, pos)
    pos += part.byteLength
  }
  return request
}
