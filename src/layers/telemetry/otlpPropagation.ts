/**
 * Trace context propagation: the W3C `traceparent` header of the current
 * span. The hook for carrying traces into gRPC calls to remote providers
 * (put in the call's metadata by protocol/client/channel.ts, read back
 * by protocol/server/grpcServer.ts).
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

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/**
 * The remote parent span of a W3C `traceparent` received from a peer (a gRPC
 * call's metadata), or `undefined` when the header is absent or malformed
 * (a malformed header starts a new trace rather than failing the call).
 *
 * @since 0.1.0
 * @category propagation
 */
export const parseTraceparent = (header: unknown): Tracer.ExternalSpan | undefined => {
  if (typeof header !== "string") return undefined
  const match = TRACEPARENT.exec(header.trim())
  if (match === null || match[1] === "ff") return undefined
  const [, , traceId, spanId, flags] = match
  if (/^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined
  return Tracer.externalSpan({ traceId: traceId!, spanId: spanId!, sampled: (Number.parseInt(flags!, 16) & 1) === 1 })
}
