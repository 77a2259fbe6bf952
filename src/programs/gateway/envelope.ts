/**
 * Ingest of an envelope contract's batch (ContractGate RFC-038): the body is
 * one object wrapping the records; the answer is the envelope result with
 * status 200 whatever it says. Rows are per record, as for other batches:
 * accepted or quarantined, and an audit row naming it. With `atomic`, a
 * batch with a quarantined record stores only one summary audit row.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { envelopeRows } from "../../layers/contracts/envelope.ts"
import { utf8 } from "./byteWriter.ts"
import type { Decision } from "./ingest.ts"
import type { ContractVersion, ServedContract } from "./registry.ts"
import { auditRow, quarantineRow } from "./rows.ts"
import type { QuarantineRow } from "./store.ts"

/**
 * The refusal of a body that is not one envelope, in the reference's words.
 *
 * @since 0.1.0
 * @category envelopes
 */
export const NOT_ONE_ENVELOPE = "Invalid request: Envelope contract expects a single JSON object payload, not a bare array of events. " +
  "Wrap your records in the envelope format: { \"data\": [...], ... }"

/**
 * Decides one envelope payload against the resolved version.
 *
 * @since 0.1.0
 * @category envelopes
 */
export const ingestEnvelope = (request: {
  readonly contract: ServedContract
  readonly version: ContractVersion
  readonly payload: unknown
  readonly dryRun: boolean
  readonly atomic: boolean
  readonly sourceIp: string | null
}): Decision => {
  const { contract, version, payload, sourceIp } = request
  const compiled = version.compiled
  const result = compiled.validateEnvelope!(payload)
  const body = utf8(JSON.stringify(result))
  if (request.dryRun) return { status: 200, body, writes: {} }
  const at = new Date().toISOString()
  if (request.atomic && result.quarantined > 0) {
    const summary = {
      ...auditRow(randomUUID(), contract.id, version.version, { passed: false, violations: [] }, {
        batch_rejected: true,
        atomic: true,
        envelope: true,
        passed: result.passed,
        quarantined: result.quarantined,
        violation_count: result.violations.length
      }, result.validation_us, sourceIp, at),
      violation_count: result.quarantined,
      violation_details: result.violations
    }
    return { status: 200, body, writes: { audit: [summary] } }
  }
  const accepted: Array<Record<string, unknown>> = []
  const quarantine: Array<QuarantineRow> = []
  const audit: Array<Record<string, unknown>> = []
  const perRecord = Math.round(result.validation_us / Math.max(1, result.passed + result.quarantined))
  for (const row of envelopeRows(compiled.contract.envelope!, payload, result)) {
    const event = compiled.transform(row.record)
    const id = randomUUID()
    if (row.result.passed) accepted.push({ id, contract_id: contract.id, contract_version: version.version, received_at: at, event })
    else quarantine.push(quarantineRow(id, contract.id, version.version, event, row.result.violations, sourceIp, at))
    // As for other batches, the audit row names the stored event instead of repeating it.
    const { id: auditId, raw_event: _event, ...decided } = auditRow(randomUUID(), contract.id, version.version, row.result, undefined, perRecord, sourceIp, at)
    audit.push({ id: auditId, event_id: id, ...decided })
  }
  return { status: 200, body, writes: { accepted, quarantine, audit } }
}
