/**
 * The gateway's durable rows, in ContractGate's shapes: a quarantined event
 * and an audit log entry.
 *
 * @since 0.1.0
 */
import type { ValidationResult, Violation } from "../../services/Contracts.ts"
import type { QuarantineRow } from "./store.ts"

/**
 * @since 0.1.0
 * @category rows
 */
export const quarantineRow = (
  id: string,
  contractId: string,
  version: string,
  event: unknown,
  violations: ReadonlyArray<Violation>,
  sourceIp: string | null,
  at: string,
  replayOf: string | null = null
): QuarantineRow => ({
  id,
  contract_id: contractId,
  contract_version: version,
  raw_event: event,
  violation_details: violations,
  violation_count: violations.length,
  source_ip: sourceIp,
  quarantined_at: at,
  replay_of_quarantine_id: replayOf
})

/**
 * @since 0.1.0
 * @category rows
 */
export const auditRow = (
  id: string,
  contractId: string,
  version: string,
  result: ValidationResult,
  event: unknown,
  validationUs: number,
  sourceIp: string | null,
  at: string,
  replayOf: string | null = null
) => ({
  id,
  contract_id: contractId,
  contract_version: version,
  passed: result.passed,
  violation_count: result.violations.length,
  violation_details: result.violations,
  raw_event: event,
  validation_us: validationUs,
  source_ip: sourceIp,
  source: "http",
  direction: "ingress",
  replay_of_quarantine_id: replayOf,
  created_at: at
})
