/**
 * A quarantine row's replay history, from what the store keeps (and reloads
 * after a restart): the row itself, the rows its failed replays wrote
 * (`replay_of_quarantine_id` = its id) and its replay stamp, if a replay
 * passed. Three views of it: the tagged chain of
 * `GET /contracts/{id}/quarantine/{quar_id}/replay-history`, the attempts of
 * `GET /quarantine/replay-history` and the summary columns of `GET /quarantine`.
 *
 * @since 0.1.0
 */
import type { EventOutcome } from "./replayEvents.ts"
import type { GatewayStore, QuarantineRow } from "./store.ts"

/**
 * @since 0.1.0
 * @category models
 */
export type HistoryEntry =
  | {
    readonly kind: "source"
    readonly id: string
    readonly contract_version: string
    readonly status: "pending" | "replayed"
    readonly violation_count: number
    readonly replayed_at: string | null
    readonly replayed_into_audit_id: string | null
    readonly created_at: string
  }
  | { readonly kind: "failed_replay"; readonly id: string; readonly contract_version: string; readonly violation_count: number; readonly created_at: string }
  | { readonly kind: "passed_replay"; readonly id: string; readonly contract_version: string; readonly created_at: string }

/** Failed replays, oldest first, then the passing one (a row passes at most once). */
const attempts = (store: GatewayStore, row: QuarantineRow) => {
  const failed = store.attemptsOf(row.id).toSorted((a, b) => a.quarantined_at.localeCompare(b.quarantined_at))
  const stamp = store.stampOf(row.id)
  return { failed, stamp }
}

/**
 * The chain of the per-contract route: source first, then failed replays
 * oldest first, then the passing replay.
 *
 * @since 0.1.0
 * @category history
 */
export const replayHistory = (store: GatewayStore, row: QuarantineRow): Array<HistoryEntry> => {
  const { failed, stamp } = attempts(store, row)
  return [
    {
      kind: "source",
      id: row.id,
      contract_version: row.contract_version,
      status: stamp === undefined ? "pending" : "replayed",
      violation_count: row.violation_count,
      replayed_at: stamp?.replayed_at ?? null,
      replayed_into_audit_id: stamp?.replayed_into_id ?? null,
      created_at: row.quarantined_at
    },
    ...failed.map((attempt): HistoryEntry => ({
      kind: "failed_replay",
      id: attempt.id,
      contract_version: attempt.contract_version,
      violation_count: attempt.violation_count,
      created_at: attempt.quarantined_at
    })),
    ...(stamp === undefined ? [] : [{
      kind: "passed_replay" as const,
      id: stamp.replayed_into_id,
      contract_version: stamp.contract_version,
      created_at: stamp.replayed_at
    }])
  ]
}

/**
 * The attempts as replay outcomes (the shape `POST /quarantine/replay`
 * answers), newest first, at most `limit`.
 *
 * @since 0.1.0
 * @category history
 */
export const replayAttempts = (store: GatewayStore, row: QuarantineRow, limit: number): Array<EventOutcome> => {
  const { failed, stamp } = attempts(store, row)
  const outcomes: Array<EventOutcome> = failed.map((attempt) => ({
    event_id: row.id,
    version: attempt.contract_version,
    passed: false,
    violations: attempt.violation_details,
    replayed_at: attempt.quarantined_at
  }))
  if (stamp !== undefined) outcomes.push({ event_id: row.id, version: stamp.contract_version, passed: true, violations: [], replayed_at: stamp.replayed_at })
  return outcomes.toReversed().slice(0, limit)
}

/**
 * A listed row with ContractGate's replay summary: how many attempts, when
 * the last one was and whether it passed.
 *
 * @since 0.1.0
 * @category history
 */
export const withReplaySummary = (store: GatewayStore, row: QuarantineRow) => {
  const { failed, stamp } = attempts(store, row)
  const last = stamp ?? failed.at(-1)
  return {
    ...row,
    payload_redacted: false,
    replay_count: failed.length + (stamp === undefined ? 0 : 1),
    last_replayed_at: last === undefined ? null : "replayed_at" in last ? last.replayed_at : last.quarantined_at,
    last_replay_passed: last === undefined ? null : stamp !== undefined
  }
}
