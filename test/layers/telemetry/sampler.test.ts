import { assert, describe, it } from "@effect/vitest"
import { context, SpanKind, trace, TraceFlags } from "@opentelemetry/api"
import { SamplingDecision } from "@opentelemetry/sdk-trace-base"
import { createHash } from "node:crypto"
import { makeSampler } from "../../../src/layers/telemetry/sampler.ts"
import { telemetrySettings } from "../../../src/layers/telemetry/settings.ts"

const sampled = (env: Record<string, string>, traceId: string, parentSampled?: boolean) => {
  const sampler = makeSampler(telemetrySettings(env).settings.sampler)
  const parent = parentSampled === undefined
    ? context.active()
    : trace.setSpanContext(context.active(), {
      traceId,
      spanId: "00f067aa0ba902b7",
      traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true
    })
  return sampler.shouldSample(parent, traceId, "op", SpanKind.CLIENT, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED
}

const LOW = "00000000000000000000000000000001"
const HIGH = "ffffffffffffffffffffffffffffffff"

describe("trace sampling", () => {
  it("samples everything by default and follows a remote parent's decision", () => {
    assert.deepStrictEqual(telemetrySettings({}).settings.sampler, { parentBased: true, ratio: 1 })
    assert.isTrue(sampled({}, HIGH))
    assert.isFalse(sampled({}, HIGH, false))
  })

  it("reads OTEL_TRACES_SAMPLER and its ratio", () => {
    assert.isFalse(sampled({ OTEL_TRACES_SAMPLER: "always_off" }, LOW))
    assert.isTrue(sampled({ OTEL_TRACES_SAMPLER: "always_on" }, HIGH, false))
    const tenth = { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" }
    const ids = Array.from({ length: 2000 }, (_, i) => createHash("md5").update(String(i)).digest("hex"))
    const share = ids.filter((id) => sampled(tenth, id)).length / ids.length
    assert.isTrue(share > 0.06 && share < 0.14, `sampled ${share}`)
    assert.isTrue(sampled({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" }, HIGH, true))
  })

  it("warns about values it cannot use and keeps the default", () => {
    const unknown = telemetrySettings({ OTEL_TRACES_SAMPLER: "sometimes" })
    assert.deepStrictEqual(unknown.settings.sampler, { parentBased: true, ratio: 1 })
    assert.match(unknown.warnings[0] ?? "", /^ignoring OTEL_TRACES_SAMPLER="sometimes": expected one of always_on/)
    const badRatio = telemetrySettings({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" })
    assert.deepStrictEqual(badRatio.settings.sampler, { parentBased: false, ratio: 1 })
    assert.match(badRatio.warnings[0] ?? "", /OTEL_TRACES_SAMPLER_ARG="1.5": expected a ratio from 0 to 1/)
  })
})
