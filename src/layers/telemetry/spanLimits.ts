/**
 * Span limits, read as the OpenTelemetry SDK reads them: at most
 * `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` attributes per span (else
 * `OTEL_ATTRIBUTE_COUNT_LIMIT`, default 128), string values cut to
 * `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` characters (else
 * `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, default no limit), at most
 * `OTEL_SPAN_EVENT_COUNT_LIMIT` events and `OTEL_SPAN_LINK_COUNT_LIMIT` links
 * (default 128 each). What goes over is dropped and counted in the span's
 * `dropped*Count`.
 *
 * @since 0.1.0
 */
import type { AttributeValue } from "@opentelemetry/api"
import { wholeNumberVariable } from "./envNumber.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface SpanLimits {
  readonly attributeCount: number
  /** Characters of a string value (or of each string of an array); `Infinity` for none. */
  readonly attributeValueLength: number
  readonly eventCount: number
  readonly linkCount: number
}

/**
 * The SDK's defaults.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSpanLimits: SpanLimits = { attributeCount: 128, attributeValueLength: Infinity, eventCount: 128, linkCount: 128 }

/**
 * The limits the variables ask for; invalid values are ignored with a warning.
 *
 * @since 0.1.0
 * @category parsing
 */
export const spanLimitsSettings = (
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void
): SpanLimits => {
  const limit = (name: string): number | undefined => wholeNumberVariable(env, warn, name, 0)
  return {
    attributeCount: limit("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? limit("OTEL_ATTRIBUTE_COUNT_LIMIT") ??
      defaultSpanLimits.attributeCount,
    attributeValueLength: limit("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ?? limit("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT") ??
      defaultSpanLimits.attributeValueLength,
    eventCount: limit("OTEL_SPAN_EVENT_COUNT_LIMIT") ?? defaultSpanLimits.eventCount,
    linkCount: limit("OTEL_SPAN_LINK_COUNT_LIMIT") ?? defaultSpanLimits.linkCount
  }
}

/**
 * `value` with its strings cut to `length` characters (as the SDK cuts them).
 *
 * @since 0.1.0
 * @category limits
 */
export const truncated = (value: AttributeValue, length: number): AttributeValue => {
  if (typeof value === "string") return value.length > length ? value.slice(0, length) : value
  if (Array.isArray(value)) {
    return value.map((item) => typeof item === "string" && item.length > length ? item.slice(0, length) : item) as AttributeValue
  }
  return value
}
