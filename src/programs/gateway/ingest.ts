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
import type { EventLines } from "./body.ts"
import { ByteWriter, utf8 } from "./byteWriter.ts"
import type { BufferPool } from "./byteWriter.ts"
import type { ContractVersion, Resolution, ServedContract } from "./registry.ts"
import { uuidRandomness, uuidString } from "./uuid.ts"
import { auditRow } from "./rows.ts"
import { JsonLines, QuarantineLines } from "./store.ts"
import type { Writes } from "./store.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface IngestRequest {
  readonly contract: ServedContract
  readonly resolution: Extract<Resolution, { _tag: "Resolved" }>
  readonly events: ReadonlyArray<unknown>
  /** Each event's JSON text as sent (NDJSON), copied as is when transforms leave events unchanged. */
  readonly lines?: EventLines | undefined
  readonly dryRun: boolean
  readonly atomic: boolean
  readonly sourceIp: string | null
  /** The v1 API adds `index` and `quarantine_id` to each result. */
  readonly v1: boolean
  /** Where the rows' buffers come from, and go back to on `release`. */
  readonly pool?: BufferPool | undefined
}

/**
 * A decision: status, response body (JSON as UTF-8) and rows to write.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision {
  readonly status: number
  readonly body: Uint8Array
  readonly writes: Writes
  /** Called once `writes` are stored: their buffers can be reused (not called when a write failed, as it may still be reading them). */
  readonly release?: () => void
  /** Called once `body` has been sent: its buffer can be reused. */
  readonly releaseBody?: () => void
}

const statusOf = (passed: number, total: number, atomicReject: boolean) =>
  atomicReject || passed === 0 ? 422 : passed === total ? 200 : 207

// Pieces shared by every batch.
const OPEN_ID = utf8(`{"id":"`)
const EVENT_ID = utf8(`","event_id":"`)
const ROW_END = utf8("}\n")
const COMMA = utf8(",")
const OPEN = utf8("{")
const OPEN_INDEX = utf8(`{"index":`)
const EMPTY = Buffer.alloc(0)
const NO_QUARANTINE_V1 = utf8(`,"quarantine_id":null}`)
const RESULT_END_V0 = utf8("}")

/**
 * The constant parts of one batch's rows and results for the version that
 * decided an event, encoded once per batch: contract, version, time, source
 * and the batch's mean validation time are the same for every event.
 */
const batchParts = (contractJson: string, version: string, at: string, validationUs: number, ipJson: string, persist: boolean) => {
  const versionJson = JSON.stringify(version)
  const auditTail = `,"validation_us":${validationUs},"source_ip":${ipJson},"source":"http","direction":"ingress","replay_of_quarantine_id":null,"created_at":"${at}"}\n`
  const tail = `,"validation_us":${validationUs},"forwarded":`
  const event = `,"contract_version":${versionJson},"transformed_event":`
  return {
    /** `{"id":"<id>` + this + event + `}\n` */
    accepted: utf8(`","contract_id":${contractJson},"contract_version":${versionJson},"received_at":"${at}","event":`),
    /** `{"id":"<id>","event_id":"<id>` + this, for a passing event. */
    auditPassed: utf8(`","contract_id":${contractJson},"contract_version":${versionJson},"passed":true,"violation_count":0,"violation_details":[]${auditTail}`),
    auditFailed: (violationCount: number, violationsJson: string) =>
      `","contract_id":${contractJson},"contract_version":${versionJson},"passed":false,"violation_count":${violationCount},"violation_details":${violationsJson}${auditTail}`,
    /** `{"id":"<id>` + this + event + `quarantineEnd(...)` */
    quarantine: utf8(`","contract_id":${contractJson},"contract_version":${versionJson},"raw_event":`),
    quarantineEnd: (violationCount: number, violationsJson: string) =>
      `,"violation_details":${violationsJson},"violation_count":${violationCount},"source_ip":${ipJson},"quarantined_at":"${at}","replay_of_quarantine_id":null}\n`,
    /** A result's fields after `index`, up to the event, for a passing event. */
    resultPassed: utf8(`"passed":true,"violations":[]${tail}${persist}${event}`),
    resultFailed: (violationsJson: string) => `"passed":false,"violations":${violationsJson}${tail}false${event}`
  }
}

/**
 * Validates, transforms and decides a batch. The response and the accepted,
 * quarantine and audit rows are written as bytes (`ByteWriter`, into buffers
 * from `request.pool` when given): constant parts encoded once per batch, row
 * ids written from one block of random bytes, and each event's JSON copied
 * from the NDJSON body as sent when no transform applies (serialized once
 * otherwise). Audit rows point at the stored event by `event_id` instead of
 * repeating its payload.
 *
 * @since 0.1.0
 * @category ingest
 */
export const ingest = (request: IngestRequest): Decision => {
  const { contract, resolution, events, lines } = request
  const primary = resolution.version
  const count = events.length
  const now = Date.now()
  const started = performance.now()
  const verdicts = primary.compiled.validateBatch(events, now)
  // The version that decided each event: the resolved one, or (fallback) the first other stable, newest first, that passes it.
  const versions = verdicts.map(() => primary)
  const results = verdicts.map((verdict, i) => {
    if (verdict.passed) return verdict
    for (const version of resolution.fallbacks) {
      const retried = version.compiled.validate(events[i])
      if (!retried.passed) continue
      versions[i] = version
      return retried
    }
    return verdict
  })
  // What is stored and echoed: the post-transform event, and its JSON when it cannot be copied from the body.
  const shown = versions.map((version, i) => version.compiled.transformsEvents ? version.compiled.transform(events[i]) : events[i])
  const json = versions.map((version, i) => version.compiled.transformsEvents || lines === undefined ? JSON.stringify(shown[i]) : undefined)
  let eventBytes = lines?.bytes.byteLength ?? 0
  for (const text of json) eventBytes += text?.length ?? 0
  // One clock read per batch, not two per event: the mean time per event.
  const validationUs = Math.round(((performance.now() - started) * 1000) / Math.max(1, count))
  let passed = 0
  for (const result of results) if (result.passed) passed++
  const failed = count - passed
  const atomicReject = request.atomic && failed > 0
  const persist = !request.dryRun && !atomicReject
  const at = new Date(now).toISOString()
  const contractJson = JSON.stringify(contract.id)
  const ipJson = JSON.stringify(request.sourceIp)
  const parts = new Map<ContractVersion, ReturnType<typeof batchParts>>()
  const partsOf = (version: ContractVersion) => {
    let found = parts.get(version)
    if (found === undefined) parts.set(version, found = batchParts(contractJson, version.version, at, validationUs, ipJson, persist))
    return found
  }
  const writeEvent = (writer: ByteWriter, i: number) => {
    const text = json[i]
    if (text !== undefined) writer.text(text)
    else writer.range(lines!.bytes, lines!.starts[i]!, lines!.ends[i]!)
  }
  const response = new ByteWriter(eventBytes + count * 200 + 256, request.pool)
  const pool = persist ? request.pool : undefined
  const accepted = new ByteWriter(persist ? eventBytes + count * 160 : 0, pool)
  const audit = new ByteWriter(persist ? count * 360 : 0, pool)
  const quarantineIds: Array<string> = []
  const ids = persist ? uuidRandomness(2 * count, request.pool) : EMPTY
  const quarantineLines = new ByteWriter(persist ? (failed * eventBytes) / Math.max(1, count) + failed * 600 : 0, pool)
  response.text(`${
    JSON.stringify({
      total: count,
      passed,
      failed,
      dry_run: request.dryRun,
      atomic: request.atomic,
      resolved_version: primary.version,
      version_pin_source: resolution.source
    }).slice(0, -1)
  },"results":[`)
  for (let index = 0; index < count; index++) {
    const result = results[index]!
    const version = versions[index]!
    const part = partsOf(version)
    const violations = result.passed ? "[]" : JSON.stringify(result.violations)
    // UUID 2i names the event's row (accepted or quarantine), 2i + 1 its audit row.
    const quarantineId = persist && !result.passed ? uuidString(ids, 2 * index) : undefined
    if (index > 0) response.bytes(COMMA)
    if (request.v1) {
      response.bytes(OPEN_INDEX)
      response.integer(index)
      response.bytes(COMMA)
    } else {
      response.bytes(OPEN)
    }
    if (result.passed) response.bytes(part.resultPassed)
    else response.text(part.resultFailed(violations))
    writeEvent(response, index)
    if (!request.v1) response.bytes(RESULT_END_V0)
    else if (quarantineId !== undefined) response.text(`,"quarantine_id":"${quarantineId}"}`)
    else response.bytes(NO_QUARANTINE_V1)
    if (!persist) continue
    if (result.passed) {
      accepted.bytes(OPEN_ID)
      accepted.uuid(ids, 2 * index)
      accepted.bytes(part.accepted)
      writeEvent(accepted, index)
      accepted.bytes(ROW_END)
    } else {
      quarantineIds.push(quarantineId!)
      quarantineLines.bytes(OPEN_ID)
      quarantineLines.text(quarantineId!)
      quarantineLines.bytes(part.quarantine)
      writeEvent(quarantineLines, index)
      quarantineLines.text(part.quarantineEnd(result.violations.length, violations))
    }
    audit.bytes(OPEN_ID)
    audit.uuid(ids, 2 * index + 1)
    audit.bytes(EVENT_ID)
    audit.uuid(ids, 2 * index)
    if (result.passed) audit.bytes(part.auditPassed)
    else audit.text(part.auditFailed(result.violations.length, violations))
  }
  response.text("]}")
  // The UUIDs are written (the quarantine ids as strings too): their random bytes can be reused.
  if (persist) request.pool?.give(ids)
  return {
    status: statusOf(passed, count, atomicReject),
    body: response.done(),
    release: () => {
      accepted.release()
      audit.release()
      quarantineLines.release()
    },
    releaseBody: () => response.release(),
    writes: persist
      ? {
        accepted: new JsonLines(accepted.done()),
        quarantine: new QuarantineLines(quarantineLines.done(), quarantineIds),
        audit: new JsonLines(audit.done())
      }
      : atomicReject && !request.dryRun
      ? { audit: [atomicSummary(request, results, validationUs, at)] }
      : {}
  }
}

/** The one audit row of an atomic batch rejected for its failing events. */
const atomicSummary = (
  request: IngestRequest,
  results: ReadonlyArray<ValidationResult>,
  validationUs: number,
  at: string
) => {
  const failing = results.flatMap((result, index) => result.passed ? [] : [{ index, violations: result.violations }])
  return {
    ...auditRow(randomUUID(), request.contract.id, request.resolution.version.version, { passed: false, violations: [] }, {
      batch_rejected: true,
      atomic: true,
      batch_size: request.events.length,
      failing_count: failing.length,
      first_failing_index: failing[0]!.index
    }, validationUs, request.sourceIp, at),
    violation_count: failing.reduce((n, f) => n + f.violations.length, 0),
    violation_details: failing
  }
}
