/**
 * Trace context propagation: the W3C `traceparent` header of the current
 * span. The hook for carrying traces into gRPC calls to remote providers
 * (put it in the call's metadata); no client uses it yet.
 *
 * @since 0.1.0
 */
import { Effect, Option, Tracer } from "effect"

const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/

/**
 * Formats a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`) for a span,
 * or `undefined` when its ids are not valid W3C ids (wrong length, not
 * lowercase hex, all zeros).
 *
 * @since 0.1.0
 * @category propagation
 */
export const traceparentOf = (span: Tracer.AnySpan): string | undefined => {
  const { spanId, traceId } = span
  if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return undefined
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined
  return `00-${traceId}-${spanId}-${span.sampled ? "01" : "00"}`
}

/**
 * The `traceparent` header of the current span, or `undefined` outside any
 * span.
 *
 * @since 0.1.0
 * @category propagation
 */
export const currentTraceparent: Effect.Effect<string | undefined> = Effect.map(
  Effect.serviceOption(Tracer.ParentSpan),
  (span) => Option.isSome(span) ? traceparentOf(span.value) : undefined
)
