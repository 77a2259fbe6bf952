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

/**
 * A batch's status: 200 all passed, 207 mixed, 422 all failed or `rejected`
 * whole (an atomic ingest, an egress with the `fail` disposition).
 *
 * @since 0.1.0
 * @category ingest
 */
export const statusOf = (passed: number, total: number, rejected: boolean) =>
  rejected || passed === 0 ? 422 : passed === total ? 200 : 207

// Pieces shared by every batch.
const OPEN_ID = utf8(`{"id":"`)
const EVENT_ID = utf8(`","event_id":"`)
const ROW_END = utf8("}\n")
const COMMA = utf8(",")
const FIRST_V1 = utf8(`{"index":`)
const NEXT_V1 = utf8(`,{"index":`)
const FIRST_V0 = utf8("{")
const NEXT_V0 = utf8(",{")
const EMPTY = Buffer.alloc(0)
const NO_QUARANTINE_V1 = utf8(`,"quarantine_id":null}`)
const RESULT_END_V0 = utf8("}")
/** Where a row template leaves room for a UUID, written in place per row. */
const UUID_SLOT = "0".repeat(36)
const ID_AT = OPEN_ID.length
const EVENT_ID_AT = ID_AT + 36 + EVENT_ID.length

/**
 * The constant parts of one batch's rows and results for the version that
 * decided an event, encoded once per batch: contract, version, time, source
 * and the batch's mean validation time are the same for every event. A
 * passing event's audit row is all constant but its two ids, and its
 * accepted row's head but its id: each is one template, copied per row with
 * the ids written over its slots.
 */
const batchParts = (contractJson: string, version: string, at: string, validationUs: number, ipJson: string, persist: boolean) => {
  const versionJson = JSON.stringify(version)
  const auditTail = `,"validation_us":${validationUs},"source_ip":${ipJson},"source":"http","direction":"ingress","replay_of_quarantine_id":null,"created_at":"${at}"}\n`
  const tail = `,"validation_us":${validationUs},"forwarded":`
  const event = `,"contract_version":${versionJson},"transformed_event":`
  const resultPassed = `"passed":true,"violations":[]${tail}${persist}${event}`
  return {
    /** `{"id":"<id>` + this + event + `}\n`; the id at `ID_AT`. */
    acceptedHead: utf8(`{"id":"${UUID_SLOT}","contract_id":${contractJson},"contract_version":${versionJson},"received_at":"${at}","event":`),
    /** The whole audit row of a passing event; its ids at `ID_AT` and `EVENT_ID_AT`. */
    auditPassed: utf8(
      `{"id":"${UUID_SLOT}","event_id":"${UUID_SLOT}","contract_id":${contractJson},"contract_version":${versionJson},"passed":true,"violation_count":0,"violation_details":[]${auditTail}`
    ),
    auditFailed: (violationCount: number, violationsJson: string) =>
      `","contract_id":${contractJson},"contract_version":${versionJson},"passed":false,"violation_count":${violationCount},"violation_details":${violationsJson}${auditTail}`,
    /** `{"id":"<id>` + this + event + `quarantineEnd(...)` */
    quarantine: utf8(`","contract_id":${contractJson},"contract_version":${versionJson},"raw_event":`),
    quarantineEnd: (violationCount: number, violationsJson: string) =>
      `,"violation_details":${violationsJson},"violation_count":${violationCount},"source_ip":${ipJson},"quarantined_at":"${at}","replay_of_quarantine_id":null}\n`,
    /** A passing result's fields up to the event: after `{` (v0) and after the index (v1). */
    resultPassedV0: utf8(resultPassed),
    resultPassedV1: utf8(`,${resultPassed}`),
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
 * repeating its payload. Per-event arrays exist only when some event needs
 * them (a fallback version decided it, a transform changed it).
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
  // The version that decided each event, when not the resolved one: (fallback) the first other stable, newest first, that passes it.
  let versions: Array<ContractVersion> | undefined
  let retried: Array<ValidationResult> | undefined
  let passed = 0
  for (let i = 0; i < count; i++) {
    if (verdicts[i]!.passed) {
      passed++
      continue
    }
    for (const version of resolution.fallbacks) {
      const verdict = version.compiled.validate(events[i])
      if (!verdict.passed) continue
      ;(versions ??= Array.from({ length: count }, () => primary))[i] = version
      ;(retried ??= [...verdicts])[i] = verdict
      passed++
      break
    }
  }
  const results = retried ?? verdicts
  const versionOf = (i: number) => versions === undefined ? primary : versions[i]!
  // What is stored and echoed: the post-transform event, as JSON when it cannot be copied from the body.
  const copied = lines !== undefined && !primary.compiled.transformsEvents && (versions === undefined || versions.every((v) => !v.compiled.transformsEvents))
  const shown = copied ? undefined : events.map((event, i) => {
    const { compiled } = versionOf(i)
    return compiled.transformsEvents ? compiled.transform(event) : event
  })
  const json = shown?.map((event) => JSON.stringify(event))
  let eventBytes = lines?.bytes.byteLength ?? 0
  for (const text of json ?? []) eventBytes += text.length
  // One clock read per batch, not two per event: the mean time per event.
  const validationUs = Math.round(((performance.now() - started) * 1000) / Math.max(1, count))
  const failed = count - passed
  const atomicReject = request.atomic && failed > 0
  const persist = !request.dryRun && !atomicReject
  const at = new Date(now).toISOString()
  const contractJson = JSON.stringify(contract.id)
  const ipJson = JSON.stringify(request.sourceIp)
  const primaryParts = batchParts(contractJson, primary.version, at, validationUs, ipJson, persist)
  const parts = new Map<ContractVersion, typeof primaryParts>([[primary, primaryParts]])
  const partsOf = (version: ContractVersion) => {
    let found = parts.get(version)
    if (found === undefined) parts.set(version, found = batchParts(contractJson, version.version, at, validationUs, ipJson, persist))
    return found
  }
  const writeEvent = json === undefined
    ? (writer: ByteWriter, i: number) => writer.range(lines!.bytes, lines!.starts[i]!, lines!.ends[i]!)
    : (writer: ByteWriter, i: number) => writer.text(json[i]!)
  const response = new ByteWriter(eventBytes + count * 200 + 256, request.pool)
  const pool = persist ? request.pool : undefined
  const accepted = new ByteWriter(persist ? eventBytes + count * 160 : 0, pool)
  const audit = new ByteWriter(persist ? count * 360 : 0, pool)
  const quarantineIds: Array<string> = []
  const ids = persist ? uuidRandomness(2 * count, request.pool) : EMPTY
  const quarantineLines = new ByteWriter(persist ? (failed * eventBytes) / Math.max(1, count) + failed * 600 : 0, pool)
  const { v1 } = request
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
    const version = versionOf(index)
    const part = version === primary ? primaryParts : partsOf(version)
    // UUID 2i names the event's row (accepted or quarantine), 2i + 1 its audit row.
    if (result.passed) {
      if (v1) {
        response.bytes(index === 0 ? FIRST_V1 : NEXT_V1)
        response.integer(index)
        response.bytes(part.resultPassedV1)
        writeEvent(response, index)
        response.bytes(NO_QUARANTINE_V1)
      } else {
        response.bytes(index === 0 ? FIRST_V0 : NEXT_V0)
        response.bytes(part.resultPassedV0)
        writeEvent(response, index)
        response.bytes(RESULT_END_V0)
      }
      if (!persist) continue
      const row = accepted.bytes(part.acceptedHead)
      accepted.uuidAt(row + ID_AT, ids, 2 * index)
      writeEvent(accepted, index)
      accepted.bytes(ROW_END)
      const auditRow = audit.bytes(part.auditPassed)
      audit.uuidAt(auditRow + ID_AT, ids, 2 * index + 1)
      audit.uuidAt(auditRow + EVENT_ID_AT, ids, 2 * index)
      continue
    }
    const violations = JSON.stringify(result.violations)
    const quarantineId = persist ? uuidString(ids, 2 * index) : undefined
    if (v1) {
      response.bytes(index === 0 ? FIRST_V1 : NEXT_V1)
      response.integer(index)
      response.bytes(COMMA)
    } else {
      response.bytes(index === 0 ? FIRST_V0 : NEXT_V0)
    }
    response.text(part.resultFailed(violations))
    writeEvent(response, index)
    if (!v1) response.bytes(RESULT_END_V0)
    else if (quarantineId !== undefined) response.text(`,"quarantine_id":"${quarantineId}"}`)
    else response.bytes(NO_QUARANTINE_V1)
    if (quarantineId === undefined) continue
    quarantineIds.push(quarantineId)
    quarantineLines.bytes(OPEN_ID)
    quarantineLines.text(quarantineId)
    quarantineLines.bytes(part.quarantine)
    writeEvent(quarantineLines, index)
    quarantineLines.text(part.quarantineEnd(result.violations.length, violations))
    audit.bytes(OPEN_ID)
    audit.uuid(ids, 2 * index + 1)
    audit.bytes(EVENT_ID)
    audit.text(quarantineId)
    audit.text(part.auditFailed(result.violations.length, violations))
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
