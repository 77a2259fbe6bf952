/**
 * The Effect tracer backed by the OpenTelemetry SDK, without the per-step
 * OpenTelemetry context switch when nothing could read it.
 *
 * `@effect/opentelemetry`'s tracer wraps every step of a fiber that runs
 * inside a span in `context.with(...)`, so OpenTelemetry-instrumented
 * libraries called from Effect code see the current span. That only works
 * when an OpenTelemetry context manager is registered (auto-instrumentation
 * setups register one); with the API's default no-op manager the switch does
 * nothing, yet it cost ~20 µs per storage operation in
 * `bench/storage-instrumentation.ts`. So the hook is kept only when a working
 * context manager is registered when the layer is built.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import { context, createContextKey } from "@opentelemetry/api"
import { Effect, Layer, Tracer } from "effect"

const probeKey = createContextKey("strata.telemetry.context-probe")

/**
 * True when the global OpenTelemetry context manager carries values (any
 * manager but the API's no-op default).
 *
 * @since 0.1.0
 * @category predicates
 */
export const otelContextPropagates = (): boolean =>
  context.with(context.active().setValue(probeKey, true), () => context.active().getValue(probeKey) === true)

/**
 * `OtelTracer.layer` with the context hook dropped when it could not have an
 * effect. Needs an `OtelTracerProvider`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(
  Tracer.Tracer,
  Effect.map(OtelTracer.make, (tracer) => otelContextPropagates() ? tracer : Tracer.make({ span: tracer.span }))
).pipe(Layer.provideMerge(OtelTracer.layerTracer))
