/**
 * The Effect tracer of the telemetry layer: the light export tracer
 * (`exportTracer.ts`), or `@effect/opentelemetry`'s SDK tracer when an
 * OpenTelemetry context manager is registered.
 *
 * The SDK tracer wraps every step of a fiber that runs inside a span in
 * `context.with(...)` and makes real SDK spans, so OpenTelemetry-instrumented
 * libraries called from Effect code (auto-instrumentation setups, which
 * register a context manager) see the current span and Effect spans started
 * inside their spans get them as parents. Without a context manager that
 * work reads nothing back, yet it cost most of a traced 4 KiB storage read
 * (`bench/storage-instrumentation.ts`), so then the export tracer is used:
 * it hands finished spans to the same exporters.
 *
 * @since 0.1.0
 */
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import * as Resource from "@effect/opentelemetry/Resource"
import { context, createContextKey } from "@opentelemetry/api"
import type { Resource as OtelResource } from "@opentelemetry/resources"
import { Effect, Layer, Tracer, Version } from "effect"
import type { Scope } from "effect"
import * as ExportTracer from "./exportTracer.ts"
import type { ProcessorSinkOptions } from "./exportTracer.ts"
import { makeSamplingDecision, type SamplerSettings } from "./sampler.ts"
import type { SpanLimits } from "./spanLimits.ts"

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
 * The Effect tracer exporting through the sinks `makeSinks` builds (scoped:
 * a sink may flush when the layer closes), chosen when the layer is built,
 * with the same sampler and span limits as the `OtelTracerProvider`'s, which
 * is used instead when a context manager is registered.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  makeSinks: (
    resource: OtelResource,
    scope: ProcessorSinkOptions["scope"]
  ) => Effect.Effect<ReadonlyArray<ExportTracer.SpanSink>, never, Scope.Scope>,
  sampler: SamplerSettings,
  limits: SpanLimits
): Layer.Layer<OtelTracer.OtelTracer, never, OtelTracer.OtelTracerProvider | Resource.Resource> =>
  Layer.effect(
    Tracer.Tracer,
    Effect.gen(function*() {
      if (otelContextPropagates()) return yield* OtelTracer.make
      const sinks = yield* makeSinks(yield* Resource.Resource, { name: "effect", version: Version.getCurrentVersion() })
      return ExportTracer.make({ sinks, sample: makeSamplingDecision(sampler), limits })
    })
  ).pipe(Layer.provideMerge(OtelTracer.layerTracer))
