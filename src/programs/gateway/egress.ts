/**
 * `POST /egress/{contract_id}[@version]`: outbound records checked by the
 * contract before they leave (`contracts/egress.ts` decides). The answer
 * carries the records that ship, already transformed and guarded; every
 * record gets an audit row (direction `egress`) and failing ones a
 * quarantine row, unless `dry_run`.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { decideEgress } from "../../layers/contracts/egress.ts"
import type { Disposition } from "../../layers/contracts/egress.ts"
import type { Refusal } from "./body.ts"
import { utf8 } from "./byteWriter.ts"
import { type Decision, statusOf } from "./ingest.ts"
import type { ContractVersion, ServedContract } from "./registry.ts"
import { auditRow, quarantineRow } from "./rows.ts"

const egressRow = <A extends object>(row: A) => ({ ...row, direction: "egress" })

const DISPOSITIONS: ReadonlySet<string> = new Set(["block", "fail", "tag"])

/**
 * `?disposition=` (default `block`), or a refusal naming the allowed values.
 *
 * @since 0.1.0
 * @category egress
 */
export const parseDisposition = (value: string | null): Disposition | Refusal =>
  value === null || value === ""
    ? "block"
    : DISPOSITIONS.has(value)
    ? value as Disposition
    : { status: 400, error: `Invalid request: disposition must be one of block, fail, tag (got ${JSON.stringify(value)})` }

/**
 * Decides outbound `records` against `version` and gives the answer and rows.
 *
 * @since 0.1.0
 * @category egress
 */
export const egress = (request: {
  readonly contract: ServedContract
  readonly version: ContractVersion
  readonly records: ReadonlyArray<unknown>
  readonly disposition: Disposition
  readonly dryRun: boolean
  readonly sourceIp: string | null
}): Decision => {
  const { contract, version, records, sourceIp } = request
  const started = performance.now()
  const decision = decideEgress(version.compiled, records, request.disposition)
  const validationUs = Math.round(((performance.now() - started) * 1000) / Math.max(1, records.length))
  const body = utf8(JSON.stringify({
    total: records.length,
    passed: decision.passed,
    failed: decision.failed,
    dry_run: request.dryRun,
    disposition: request.disposition,
    egress_leakage_mode: version.compiled.contract.egress_leakage_mode ?? "off",
    resolved_version: version.version,
    payload: decision.payload,
    outcomes: decision.outcomes.map(({ stripped_fields, ...outcome }) => ({
      ...outcome,
      validation_us: validationUs,
      ...(stripped_fields === undefined ? {} : { stripped_fields })
    }))
  }))
  // Mixed batches are 207 with block and tag; with fail, any failure rejects the batch.
  const status = statusOf(decision.passed, records.length, request.disposition === "fail" && decision.failed > 0)
  if (request.dryRun) return { status, body, writes: {} }
  const at = new Date().toISOString()
  const quarantine = decision.results.flatMap((result, index) =>
    result.passed ? [] : [quarantineRow(randomUUID(), contract.id, version.version, decision.cleaned[index], result.violations, sourceIp, at)]
  )
  const audit = decision.results.map((result, index) =>
    egressRow(auditRow(randomUUID(), contract.id, version.version, result, decision.cleaned[index], validationUs, sourceIp, at))
  )
  return { status, body, writes: { quarantine: quarantine.map(egressRow), audit } }
}
