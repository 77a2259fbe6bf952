/**
 * Trace sampling, configured the OpenTelemetry way: `OTEL_TRACES_SAMPLER`
 * (`always_on`, `always_off`, `traceidratio`, `parentbased_always_on` — the
 * default —, `parentbased_always_off`, `parentbased_traceidratio`) and
 * `OTEL_TRACES_SAMPLER_ARG` (the ratio, 0 to 1, default 1). Sampling is how
 * to cut the exporter's per-span cost on hot paths (see bench/README.md,
 * storage-instrumentation).
 *
 * @since 0.1.0
 */
import { ROOT_CONTEXT, SpanKind } from "@opentelemetry/api"
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  TraceIdRatioBasedSampler
} from "@opentelemetry/sdk-trace-base"

/**
 * @since 0.1.0
 * @category models
 */
export interface SamplerSettings {
  readonly parentBased: boolean
  /** 1: every trace; 0: none. */
  readonly ratio: number
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultSampler: SamplerSettings = { parentBased: true, ratio: 1 }

const KINDS: Record<string, { readonly parentBased: boolean; readonly ratio?: number }> = {
  always_on: { parentBased: false, ratio: 1 },
  always_off: { parentBased: false, ratio: 0 },
  traceidratio: { parentBased: false },
  parentbased_always_on: { parentBased: true, ratio: 1 },
  parentbased_always_off: { parentBased: true, ratio: 0 },
  parentbased_traceidratio: { parentBased: true }
}

/**
 * The sampler the variables ask for; invalid values are ignored with a warning.
 *
 * @since 0.1.0
 * @category parsing
 */
export const samplerSettings = (
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void
): SamplerSettings => {
  const name = env["OTEL_TRACES_SAMPLER"]?.trim().toLowerCase() ?? ""
  const kind = name === "" ? undefined : KINDS[name]
  if (name !== "" && kind === undefined) {
    warn(`ignoring OTEL_TRACES_SAMPLER=${JSON.stringify(env["OTEL_TRACES_SAMPLER"])}: expected one of ${Object.keys(KINDS).join(", ")}`)
  }
  const chosen = kind ?? defaultSampler
  if (chosen.ratio !== undefined) return { parentBased: chosen.parentBased, ratio: chosen.ratio }
  const arg = env["OTEL_TRACES_SAMPLER_ARG"]?.trim() ?? ""
  const ratio = arg === "" ? 1 : Number(arg)
  if (!(ratio >= 0 && ratio <= 1)) {
    warn(`ignoring OTEL_TRACES_SAMPLER_ARG=${JSON.stringify(arg)}: expected a ratio from 0 to 1`)
    return { parentBased: chosen.parentBased, ratio: 1 }
  }
  return { parentBased: chosen.parentBased, ratio }
}

/** The decision for spans without a parent (or all spans when not parent-based): the SDK's samplers. */
const rootSampler = (settings: SamplerSettings): Sampler =>
  settings.ratio >= 1
    ? new AlwaysOnSampler()
    : settings.ratio <= 0
    ? new AlwaysOffSampler()
    : new TraceIdRatioBasedSampler(settings.ratio)

/**
 * The OpenTelemetry sampler for the settings.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSampler = (settings: SamplerSettings): Sampler => {
  const root = rootSampler(settings)
  return settings.parentBased ? new ParentBasedSampler({ root }) : root
}

/**
 * The same decision as `makeSampler`'s without an OpenTelemetry context:
 * whether a span of `traceId` is sampled, given its parent's decision
 * (`undefined` for a root span). Parent-based samplers follow the parent;
 * the root decision is the SDK sampler's, so a ratio samples the same trace
 * ids as other services' OpenTelemetry SDKs.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSamplingDecision = (settings: SamplerSettings): (traceId: string, parentSampled: boolean | undefined) => boolean => {
  if (settings.ratio >= 1 && !settings.parentBased) return () => true
  if (settings.ratio <= 0 && !settings.parentBased) return () => false
  const root = rootSampler(settings)
  const sampleRoot = (traceId: string) =>
    root.shouldSample(ROOT_CONTEXT, traceId, "", SpanKind.INTERNAL, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED
  return settings.parentBased
    ? (traceId, parentSampled) => parentSampled ?? sampleRoot(traceId)
    : sampleRoot
}
