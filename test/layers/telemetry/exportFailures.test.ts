import { assert, describe, it } from "@effect/vitest"
import { type ExportResult, ExportResultCode } from "@opentelemetry/core"
import { OTLPExporterError } from "@opentelemetry/otlp-exporter-base"
import { describeExportFailure, type ExportFailure, ExportFailures } from "../../../src/layers/telemetry/exportFailures.ts"

const failed = (error?: Error): ExportResult => error === undefined ? { code: ExportResultCode.FAILED } : { code: ExportResultCode.FAILED, error }

const told = (failures: ExportFailures): Array<ExportFailure> => {
  const out: Array<ExportFailure> = []
  failures.report((failure) => out.push(failure))
  return out
}

describe("ExportFailures", () => {
  it("counts the items of failed exports and keeps the first reason", () => {
    const failures = new ExportFailures("traces", "http://collector:4318/v1/traces")
    failures.noteResult({ code: ExportResultCode.SUCCESS }, 7)
    failures.noteResult(failed(new Error("connect ECONNREFUSED 10.0.0.1:4318")), 3)
    failures.noteResult(failed(new Error("socket hang up")), 2)
    assert.deepStrictEqual(told(failures), [{
      signal: "traces",
      destination: "http://collector:4318/v1/traces",
      count: 5,
      reason: "connect ECONNREFUSED 10.0.0.1:4318"
    }])
  })

  it("names an HTTP failure's status and the first 200 characters of the answer, on one line", () => {
    const failures = new ExportFailures("metrics", "http://collector:4318/v1/metrics")
    failures.noteResult(failed(new OTLPExporterError("Payload Too Large", 413, `too big\n${"x".repeat(300)}`)), 1)
    const [failure] = told(failures)
    assert.strictEqual(failure?.reason, `HTTP 413 Payload Too Large: too big ${"x".repeat(192)}`)
  })

  it("says so when a failure carries no error", () => {
    const failures = new ExportFailures("traces", "console")
    failures.noteResult(failed(), 1)
    assert.strictEqual(told(failures)[0]?.reason, "unknown error")
  })

  it("counts exports still unanswered at the report as lost, and starts afresh after it", () => {
    const failures = new ExportFailures("traces", "http://collector:4318/v1/traces")
    const answers: Array<ExportResult> = []
    const answered = failures.track(4, (result) => answers.push(result))
    const late = failures.track(2, (result) => answers.push(result))
    answered({ code: ExportResultCode.SUCCESS })
    assert.deepStrictEqual(told(failures).map(({ count, reason }) => ({ count, reason })), [
      { count: 2, reason: "no answer before telemetry shut down" }
    ])
    // Answered after the report: passed on, and the tally does not go below zero.
    late({ code: ExportResultCode.SUCCESS })
    assert.strictEqual(answers.length, 2)
    assert.strictEqual(failures.pending, 0)
    assert.deepStrictEqual(told(failures), [])
  })

  it("never shows credentials or a query of the destination", () => {
    const failures = new ExportFailures("traces", "https://user:secret@collector.example:4318/v1/traces?api-key=k3y")
    failures.noteResult(failed(new Error("socket hang up")), 1)
    assert.strictEqual(told(failures)[0]?.destination, "https://collector.example:4318/v1/traces")
  })

  it("tells nothing when nothing was lost", () => {
    assert.deepStrictEqual(told(new ExportFailures("metrics", "console")), [])
  })
})

describe("describeExportFailure", () => {
  it("reads as one sentence per signal", () => {
    const base = { destination: "http://127.0.0.1:4318/v1/traces", reason: "connect ECONNREFUSED 127.0.0.1:4318" }
    assert.strictEqual(
      describeExportFailure({ ...base, signal: "traces", count: 12 }),
      "telemetry could not export 12 spans to http://127.0.0.1:4318/v1/traces: connect ECONNREFUSED 127.0.0.1:4318."
    )
    assert.strictEqual(
      describeExportFailure({ ...base, signal: "traces", count: 1, reason: "Request timed out." }),
      "telemetry could not export 1 span to http://127.0.0.1:4318/v1/traces: Request timed out."
    )
    assert.strictEqual(
      describeExportFailure({ ...base, destination: "http://127.0.0.1:4318/v1/metrics", signal: "metrics", count: 2 }),
      "telemetry could not export metrics (2 exports failed) to http://127.0.0.1:4318/v1/metrics: connect ECONNREFUSED 127.0.0.1:4318."
    )
  })
})
