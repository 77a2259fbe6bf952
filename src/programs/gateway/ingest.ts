/**
 * One ingest decision, without I/O: a batch of parsed events against a
 * resolved contract version gives per-event results, a status code
 * (200 all pass, 207 mixed, 422 all failed or an atomic batch with a
 * failure) and the rows to persist (accepted events, quarantine, audit).
 * Every durable row and every echoed event is the post-transform payload.
 * Audit rows name the event they decided (`event_id`: its accepted or
 * quarantine row) rather than repeating the payload; batch summaries carry
 * their synthetic `raw_event`, as in the reference.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import type { ValidationResult } from "../../services/Contracts.ts"
import type { ContractVersion, Resolution, ServedContract } from "./registry.ts"
import { auditRow, quarantineRow } from "./rows.ts"
import { JsonText } from "./store.ts"
import type { QuarantineRow, Writes } from "./store.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface IngestRequest {
  readonly contract: ServedContract
  readonly resolution: Extract<Resolution, { _tag: "Resolved" }>
  readonly events: ReadonlyArray<unknown>
  /** Each event's JSON text as sent (NDJSON lines), reused when transforms leave events unchanged. */
  readonly texts?: ReadonlyArray<string> | undefined
  readonly dryRun: boolean
  readonly atomic: boolean
  readonly sourceIp: string | null
  /** The v1 API adds `index` and `quarantine_id` to each result. */
  readonly v1: boolean
}

/**
 * A decision: status, response body (JSON text) and rows to write.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision {
  readonly status: number
  readonly body: string
  readonly writes: Writes
}

/** The first version that passes an event: the resolved one, then (fallback) the other stables, newest first. */
const decide = (
  result: ValidationResult,
  event: unknown,
  fallbacks: ReadonlyArray<ContractVersion>,
  primary: ContractVersion
): { readonly result: ValidationResult; readonly version: ContractVersion } => {
  if (result.passed) return { result, version: primary }
  for (const version of fallbacks) {
    const retried = version.compiled.validate(event)
    if (retried.passed) return { result: retried, version }
  }
  return { result, version: primary }
}

const statusOf = (passed: number, total: number, atomicReject: boolean) =>
  atomicReject || passed === 0 ? 422 : passed === total ? 200 : 207

const EMPTY = "[]"

/**
 * Validates, transforms and decides a batch. Each event is serialized once
 * (or not at all: an NDJSON line is already its JSON when no transform
 * applies) and that text goes into the response and the stored rows; the
 * response is assembled as text for the same reason. Audit rows point at the
 * stored event by `event_id` instead of repeating its payload.
 *
 * @since 0.1.0
 * @category ingest
 */
export const ingest = (request: IngestRequest): Decision => {
  const { contract, resolution, events, texts } = request
  const primary = resolution.version
  const now = Date.now()
  const started = performance.now()
  const verdicts = primary.compiled.validateBatch(events, now)
  const decided = events.map((event, i) => decide(verdicts[i]!, event, resolution.fallbacks, primary))
  const eventJson = decided.map(({ version }, i) =>
    !version.compiled.transformsEvents && texts !== undefined ? texts[i]! : JSON.stringify(version.compiled.transform(events[i]))
  )
  // One clock read per batch, not two per event: the mean time per event.
  const validationUs = Math.round(((performance.now() - started) * 1000) / Math.max(1, events.length))
  const passed = decided.filter((d) => d.result.passed).length
  const failed = events.length - passed
  const atomicReject = request.atomic && failed > 0
  const persist = !request.dryRun && !atomicReject
  const at = new Date(now).toISOString()
  const contractJson = JSON.stringify(contract.id)
  const ipJson = JSON.stringify(request.sourceIp)
  const accepted: Array<JsonText> = []
  const quarantine: Array<QuarantineRow> = []
  const audit: Array<JsonText | Record<string, unknown>> = []
  const results: Array<string> = []
  decided.forEach(({ result, version }, index) => {
    const id = randomUUID()
    const forwarded = persist && result.passed
    const quarantined = persist && !result.passed
    const versionJson = JSON.stringify(version.version)
    const violations = result.passed ? EMPTY : JSON.stringify(result.violations)
    if (forwarded) {
      accepted.push(new JsonText(`{"id":"${id}","contract_id":${contractJson},"contract_version":${versionJson},"received_at":"${at}","event":${eventJson[index]}}`))
    }
    if (quarantined) {
      quarantine.push(quarantineRow(id, contract.id, version.version, JSON.parse(eventJson[index]!), result.violations, request.sourceIp, at))
    }
    if (persist) {
      audit.push(new JsonText(`{"id":"${randomUUID()}","event_id":"${id}","contract_id":${contractJson},"contract_version":${versionJson},"passed":${result.passed},"violation_count":${result.violations.length},"violation_details":${violations},"validation_us":${validationUs},"source_ip":${ipJson},"source":"http","direction":"ingress","replay_of_quarantine_id":null,"created_at":"${at}"}`))
    }
    results.push(`{${request.v1 ? `"index":${index},` : ""}"passed":${result.passed},"violations":${violations},"validation_us":${validationUs},"forwarded":${forwarded},"contract_version":${versionJson},"transformed_event":${eventJson[index]}${
      request.v1 ? `,"quarantine_id":${quarantined ? `"${id}"` : "null"}` : ""
    }}`)
  })
  if (atomicReject && !request.dryRun) {
    const failing = decided.flatMap(({ result }, index) => result.passed ? [] : [{ index, violations: result.violations }])
    audit.push({
      ...auditRow(randomUUID(), contract.id, primary.version, { passed: false, violations: [] }, {
        batch_rejected: true,
        atomic: true,
        batch_size: events.length,
        failing_count: failed,
        first_failing_index: failing[0]!.index
      }, validationUs, request.sourceIp, at),
      violation_count: failing.reduce((n, f) => n + f.violations.length, 0),
      violation_details: failing
    })
  }
  const head = JSON.stringify({
    total: events.length,
    passed,
    failed,
    dry_run: request.dryRun,
    atomic: request.atomic,
    resolved_version: primary.version,
    version_pin_source: resolution.source
  })
  return {
    status: statusOf(passed, events.length, atomicReject),
    body: `${head.slice(0, -1)},"results":[${results.join(",")}]}`,
    writes: { accepted, quarantine, audit }
  }
}
