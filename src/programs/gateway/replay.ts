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
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import type { Violation } from "../../services/Contracts.ts"
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
 * What replaying one id did. The per-contract route answers these as they
 * are; `POST /quarantine/replay` turns them into `{passed, violations}`.
 *
 * @since 0.1.0
 * @category models
 */
export type ReplayResult =
  | {
    readonly quarantine_id: string
    readonly outcome: "replayed"
    readonly replayed_into_audit_id: string
    readonly contract_version_matched: string
  }
  | {
    readonly quarantine_id: string
    readonly outcome: "still_quarantined"
    readonly new_quarantine_id: string
    readonly contract_version_attempted: string
    readonly violation_count: number
    readonly violations: ReadonlyArray<Violation>
  }
  | { readonly quarantine_id: string; readonly outcome: "already_replayed" | "not_found" | "wrong_contract" }

/**
 * One contract's replay: the result per id (in order) and the rows to write.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplayOutcome {
  readonly contract: ServedContract
  readonly plan: ReplayPlan
  readonly at: string
  readonly results: ReadonlyArray<ReplayResult>
  readonly writes: Writes
  /** Rows stamped by this replay, to release if the write fails. */
  readonly claimed: ReadonlyArray<string>
}

/**
 * Replays `ids` (in order) of one contract. Stamps are claimed here,
 * synchronously, so concurrent replays have exactly one winner;
 * `persistReplay` writes the rows and releases the stamps if that fails.
 *
 * @since 0.1.0
 * @category replay
 */
export const replay = (
  contract: ServedContract,
  plan: ReplayPlan,
  ids: ReadonlyArray<string>,
  store: GatewayStore,
  at: string = new Date().toISOString()
): ReplayOutcome => {
  const writes = {
    accepted: [] as Array<Record<string, unknown>>,
    quarantine: [] as Array<QuarantineRow>,
    audit: [] as Array<Record<string, unknown>>,
    replays: [] as Array<ReplayStamp>
  } satisfies Writes
  const claimed: Array<string> = []
  const results = ids.map((id): ReplayResult => {
    const row = store.get(id)
    if (row === undefined) return { quarantine_id: id, outcome: "not_found" }
    if (row.contract_id !== contract.id) return { quarantine_id: id, outcome: "wrong_contract" }
    if (store.stampOf(id) !== undefined) return { quarantine_id: id, outcome: "already_replayed" }
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
      const stamp = { quarantine_id: id, replayed_at: at, contract_version: matched.version, replayed_into_id: auditId }
      if (!store.claim(stamp)) return { quarantine_id: id, outcome: "already_replayed" }
      claimed.push(id)
      writes.accepted.push({ id: auditId, contract_id: contract.id, contract_version: matched.version, received_at: at, event: row.raw_event, replay_of_quarantine_id: id })
      writes.audit.push(auditRow(auditId, contract.id, matched.version, result, row.raw_event, 0, row.source_ip, at, id))
      writes.replays.push(stamp)
      return { quarantine_id: id, outcome: "replayed", replayed_into_audit_id: auditId, contract_version_matched: matched.version }
    }
    const newId = randomUUID()
    writes.quarantine.push(quarantineRow(newId, contract.id, plan.target.version, row.raw_event, result.violations, row.source_ip, at, id))
    writes.audit.push(auditRow(auditId, contract.id, plan.target.version, result, row.raw_event, 0, row.source_ip, at, id))
    return {
      quarantine_id: id,
      outcome: "still_quarantined",
      new_quarantine_id: newId,
      contract_version_attempted: plan.target.version,
      violation_count: result.violations.length,
      violations: result.violations
    }
  })
  return { contract, plan, at, results, writes, claimed }
}

/**
 * Writes a replay's rows; when the write fails its stamps are released, so
 * the rows can be replayed again.
 *
 * @since 0.1.0
 * @category replay
 */
export const persistReplay = (store: GatewayStore, outcome: ReplayOutcome) =>
  store.persist(outcome.contract.id, outcome.writes).pipe(
    Effect.tapError(() => Effect.sync(() => outcome.claimed.forEach((id) => store.release(id))))
  )

/**
 * The answer of `POST /contracts/{id}/quarantine/replay`: counts per
 * outcome, the target and the results.
 *
 * @since 0.1.0
 * @category replay
 */
export const contractReplayBody = (outcome: ReplayOutcome) => {
  const counts = { replayed: 0, still_quarantined: 0, already_replayed: 0, not_found: 0, wrong_contract: 0 }
  for (const result of outcome.results) counts[result.outcome]++
  return {
    total: outcome.results.length,
    ...counts,
    target_version: outcome.plan.target.version,
    target_version_source: outcome.plan.source,
    target_is_draft: outcome.plan.target.state === "draft",
    results: outcome.results
  }
}
