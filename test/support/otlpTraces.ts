/**
 * Test receivers' decoding of OTLP/HTTP trace requests, protobuf
 * (`opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`, read
 * field by field with protobuf-es's wire reader) or JSON, into the OTLP JSON
 * shape (hex ids, `stringValue`/`intValue`/... attribute values, times as
 * decimal strings), so assertions are written once for both.
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire"

export interface OtlpValue {
  readonly stringValue?: string
  readonly boolValue?: boolean
  readonly intValue?: number | string
  readonly doubleValue?: number
  readonly arrayValue?: { readonly values: ReadonlyArray<OtlpValue> }
}
export interface OtlpAttribute {
  readonly key: string
  readonly value: OtlpValue
}
export interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind?: number
  readonly startTimeUnixNano: string
  readonly endTimeUnixNano: string
  readonly attributes?: ReadonlyArray<OtlpAttribute>
  readonly droppedAttributesCount?: number
  readonly events?: ReadonlyArray<{ readonly timeUnixNano: string; readonly name: string; readonly attributes?: ReadonlyArray<OtlpAttribute> }>
  readonly links?: ReadonlyArray<{ readonly traceId: string; readonly spanId: string; readonly attributes?: ReadonlyArray<OtlpAttribute>; readonly flags?: number }>
  readonly status?: { readonly code?: number; readonly message?: string }
  readonly flags?: number
}
export interface OtlpTraces {
  readonly resourceAttributes: ReadonlyArray<OtlpAttribute>
  readonly scope: { readonly name: string; readonly version?: string }
  readonly spans: ReadonlyArray<OtlpSpan>
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

/** Calls `field` for each field of the message in `bytes`. */
const fields = (bytes: Uint8Array, field: (reader: BinaryReader, no: number, wireType: WireType) => void): void => {
  const reader = new BinaryReader(bytes)
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag()
    const before = reader.pos
    field(reader, no, wireType)
    if (reader.pos === before) reader.skip(wireType, no)
  }
}

const anyValue = (bytes: Uint8Array): OtlpValue => {
  let value: OtlpValue = {}
  fields(bytes, (reader, no) => {
    if (no === 1) value = { stringValue: reader.string() }
    else if (no === 2) value = { boolValue: reader.bool() }
    else if (no === 3) value = { intValue: String(reader.int64()) }
    else if (no === 4) value = { doubleValue: reader.double() }
    else if (no === 5) {
      const values: Array<OtlpValue> = []
      fields(reader.bytes(), (inner, innerNo) => {
        if (innerNo === 1) values.push(anyValue(inner.bytes()))
      })
      value = { arrayValue: { values } }
    }
  })
  return value
}

const keyValue = (bytes: Uint8Array): OtlpAttribute => {
  let key = ""
  let value: OtlpValue = {}
  fields(bytes, (reader, no) => {
    if (no === 1) key = reader.string()
    else if (no === 2) value = anyValue(reader.bytes())
  })
  return { key, value }
}

const span = (bytes: Uint8Array): OtlpSpan => {
  const out: Record<string, unknown> = {}
  const attributes: Array<OtlpAttribute> = []
  const events: Array<Record<string, unknown>> = []
  const links: Array<Record<string, unknown>> = []
  fields(bytes, (reader, no) => {
    if (no === 1) out["traceId"] = hex(reader.bytes())
    else if (no === 2) out["spanId"] = hex(reader.bytes())
    else if (no === 4) out["parentSpanId"] = hex(reader.bytes())
    else if (no === 5) out["name"] = reader.string()
    else if (no === 6) out["kind"] = reader.int32()
    else if (no === 7) out["startTimeUnixNano"] = String(reader.fixed64())
    else if (no === 8) out["endTimeUnixNano"] = String(reader.fixed64())
    else if (no === 9) attributes.push(keyValue(reader.bytes()))
    else if (no === 10) out["droppedAttributesCount"] = reader.uint32()
    else if (no === 11) {
      const event: Record<string, unknown> = {}
      const eventAttributes: Array<OtlpAttribute> = []
      fields(reader.bytes(), (inner, innerNo) => {
        if (innerNo === 1) event["timeUnixNano"] = String(inner.fixed64())
        else if (innerNo === 2) event["name"] = inner.string()
        else if (innerNo === 3) eventAttributes.push(keyValue(inner.bytes()))
      })
      events.push({ ...event, attributes: eventAttributes })
    } else if (no === 13) {
      const link: Record<string, unknown> = {}
      const linkAttributes: Array<OtlpAttribute> = []
      fields(reader.bytes(), (inner, innerNo) => {
        if (innerNo === 1) link["traceId"] = hex(inner.bytes())
        else if (innerNo === 2) link["spanId"] = hex(inner.bytes())
        else if (innerNo === 4) linkAttributes.push(keyValue(inner.bytes()))
        else if (innerNo === 6) link["flags"] = inner.fixed32()
      })
      links.push({ ...link, attributes: linkAttributes })
    } else if (no === 15) {
      const status: Record<string, unknown> = {}
      fields(reader.bytes(), (inner, innerNo) => {
        if (innerNo === 2) status["message"] = inner.string()
        else if (innerNo === 3) status["code"] = inner.int32()
      })
      out["status"] = status
    } else if (no === 16) out["flags"] = reader.fixed32()
  })
  return { ...out, attributes, events, links } as unknown as OtlpSpan
}

/** Decodes a protobuf `ExportTraceServiceRequest` (one resource and scope per `ResourceSpans`, merged). */
export const decodeTraceRequest = (bytes: Uint8Array): OtlpTraces => {
  const resourceAttributes: Array<OtlpAttribute> = []
  const spans: Array<OtlpSpan> = []
  let scope: { name: string; version?: string } = { name: "" }
  fields(bytes, (reader, no) => {
    if (no !== 1) return
    fields(reader.bytes(), (resourceSpans, rsNo) => {
      if (rsNo === 1) {
        fields(resourceSpans.bytes(), (resource, rNo) => {
          if (rNo === 1) resourceAttributes.push(keyValue(resource.bytes()))
        })
      } else if (rsNo === 2) {
        fields(resourceSpans.bytes(), (scopeSpans, ssNo) => {
          if (ssNo === 1) {
            const decoded: { name: string; version?: string } = { name: "" }
            fields(scopeSpans.bytes(), (inner, innerNo) => {
              if (innerNo === 1) decoded.name = inner.string()
              else if (innerNo === 2) decoded.version = inner.string()
            })
            scope = decoded
          } else if (ssNo === 2) spans.push(span(scopeSpans.bytes()))
        })
      }
    })
  })
  return { resourceAttributes, scope, spans }
}

/** The spans of an OTLP/HTTP trace request body, protobuf or JSON by its content type. */
export const spansOfRequest = (contentType: string | undefined, body: Uint8Array): ReadonlyArray<OtlpSpan> => {
  if (contentType?.startsWith("application/x-protobuf")) return decodeTraceRequest(body).spans
  const json = JSON.parse(Buffer.from(body).toString("utf8") || "{}")
  const spans: Array<OtlpSpan> = []
  for (const resource of json.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []))
  }
  return spans
}
