/**
 * Replay of quarantined events against a target version (explicit, or the
 * default stable): a passing event is accepted and its quarantine row
 * stamped `replayed` (exactly one concurrent replay wins the stamp); a
 * failing one gets a new quarantine row pointing at the source, which stays
 * as it was. Stored payloads are post-transform, so transforms are not
 * applied again.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import type { ContractVersion, ServedContract } from "./registry.ts"
import type { GatewayStore, QuarantineRow, ReplayStamp, Writes } from "./store.ts"
import { auditRow, quarantineRow } from "./rows.ts"
import type { Refusal } from "./body.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReplayPlan {
  readonly target: ContractVersion
  readonly source: "explicit" | "default_stable"
  readonly fallbacks: ReadonlyArray<ContractVersion>
}

/**
 * The version a replay targets, or why there is none.
 *
 * @since 0.1.0
 * @category replay
 */
export const replayTarget = (contract: ServedContract, targetVersion: string | undefined): ReplayPlan | Refusal => {
  if (targetVersion !== undefined) {
    const target = contract.versions.get(targetVersion)
    return target === undefined
      ? { status: 404, error: `Version ${targetVersion} not found on contract ${contract.id}` }
      : { target, source: "explicit", fallbacks: [] }
  }
  const [target, ...others] = contract.stables
  return target === undefined
    ? { status: 409, error: `Contract ${contract.id} has no stable version yet` }
    : { target, source: "default_stable", fallbacks: contract.fallback ? others : [] }
}

/**
 * Replays `ids` (in order) and returns the response body and rows to write.
 * Stamps are claimed here, synchronously; the caller releases them if the
 * write fails.
 *
 * @since 0.1.0
 * @category replay
 */
export const replay = (contract: ServedContract, plan: ReplayPlan, ids: ReadonlyArray<string>, store: GatewayStore) => {
  const at = new Date().toISOString()
  const writes = {
    accepted: [] as Array<Record<string, unknown>>,
    quarantine: [] as Array<QuarantineRow>,
    audit: [] as Array<Record<string, unknown>>,
    replays: [] as Array<ReplayStamp>
  } satisfies Writes
  const claimed: Array<string> = []
  const counts = { replayed: 0, still_quarantined: 0, already_replayed: 0, not_found: 0, wrong_contract: 0 }
  const results = ids.map((id) => {
    const row = store.get(id)
    if (row === undefined) return counted(counts, { quarantine_id: id, outcome: "not_found" as const })
    if (row.contract_id !== contract.id) return counted(counts, { quarantine_id: id, outcome: "wrong_contract" as const })
    if (store.stampOf(id) !== undefined) return counted(counts, { quarantine_id: id, outcome: "already_replayed" as const })
    let matched = plan.target
    let result = plan.target.compiled.validate(row.raw_event)
    for (const version of result.passed ? [] : plan.fallbacks) {
      const retried = version.compiled.validate(row.raw_event)
      if (retried.passed) {
        matched = version
        result = retried
        break
      }
    }
    const auditId = randomUUID()
    if (result.passed) {
      if (!store.claim({ quarantine_id: id, replayed_at: at, contract_version: matched.version, replayed_into_id: auditId })) {
        return counted(counts, { quarantine_id: id, outcome: "already_replayed" as const })
      }
      claimed.push(id)
      writes.accepted.push({ id: auditId, contract_id: contract.id, contract_version: matched.version, received_at: at, event: row.raw_event, replay_of_quarantine_id: id })
      writes.audit.push(auditRow(auditId, contract.id, matched.version, result, row.raw_event, 0, row.source_ip, at, id))
      writes.replays.push({ quarantine_id: id, replayed_at: at, contract_version: matched.version, replayed_into_id: auditId })
      return counted(counts, { quarantine_id: id, outcome: "replayed" as const, replayed_into_audit_id: auditId, contract_version_matched: matched.version })
    }
    const newId = randomUUID()
    writes.quarantine.push(quarantineRow(newId, contract.id, plan.target.version, row.raw_event, result.violations, row.source_ip, at, id))
    writes.audit.push(auditRow(auditId, contract.id, plan.target.version, result, row.raw_event, 0, row.source_ip, at, id))
    return counted(counts, {
      quarantine_id: id,
      outcome: "still_quarantined" as const,
      new_quarantine_id: newId,
      contract_version_attempted: plan.target.version,
      violation_count: result.violations.length,
      violations: result.violations
    })
  })
  return {
    body: {
      total: ids.length,
      ...counts,
      target_version: plan.target.version,
      target_version_source: plan.source,
      target_is_draft: plan.target.state === "draft",
      results
    },
    writes,
    claimed
  }
}

const counted = <R extends { readonly outcome: "replayed" | "still_quarantined" | "already_replayed" | "not_found" | "wrong_contract" }>(
  counts: Record<R["outcome"], number>,
  result: R
): R => {
  counts[result.outcome as R["outcome"]]++
  return result
}
