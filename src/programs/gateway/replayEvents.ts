/**
 * `POST /quarantine/replay`: replay by quarantine id across contracts. The
 * ids are grouped by their contract and each group goes through the same
 * replay as `POST /contracts/{id}/quarantine/replay` (decision, stamping,
 * rows); only the answer differs: one `{event_id, version, passed,
 * violations, replayed_at}` per id, in input order. An id the key may not
 * see (unknown, or of a contract outside the key's scope) is answered like
 * ContractGate answers another organisation's: `passed: false`, no
 * violations, never a hint that it exists.
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import type { ApiKey } from "./auth.ts"
import { mayUse } from "./auth.ts"
import type { Refusal } from "./body.ts"
import type { ServedContract } from "./registry.ts"
import { persistReplay, replay, replayTarget } from "./replay.ts"
import type { ReplayOutcome, ReplayPlan, ReplayResult } from "./replay.ts"
import type { ReplayRequest } from "./replayRequest.ts"
import type { GatewayStore } from "./store.ts"

/**
 * One id's answer (also the shape of `GET /quarantine/replay-history`).
 *
 * @since 0.1.0
 * @category models
 */
export interface EventOutcome {
  readonly event_id: string
  readonly version: string
  readonly passed: boolean
  readonly violations: ReadonlyArray<unknown>
  readonly replayed_at: string
}

const eventOutcome = (result: ReplayResult, target: string, at: string): EventOutcome => {
  const base = { event_id: result.quarantine_id, replayed_at: at }
  switch (result.outcome) {
    case "replayed":
      return { ...base, version: result.contract_version_matched, passed: true, violations: [] }
    case "still_quarantined":
      return { ...base, version: result.contract_version_attempted, passed: false, violations: result.violations }
    default:
      return { ...base, version: target, passed: false, violations: [] }
  }
}

/**
 * Replays the request's ids with `key`'s rights: the answer, or a refusal
 * (400 when `contract_id` is given and a visible id is of another contract;
 * 404/409 when a contract has no such version or no stable one) before
 * anything is replayed.
 *
 * @since 0.1.0
 * @category replay
 */
export const replayEvents = Effect.fn("Gateway.replayEvents")(function*(
  request: ReplayRequest,
  key: ApiKey,
  contracts: ReadonlyMap<string, ServedContract>,
  store: GatewayStore
) {
  const groups = new Map<string, { contract: ServedContract; ids: Array<string> }>()
  for (const id of request.ids) {
    const row = store.get(id)
    const contract = row === undefined || !mayUse(key, row.contract_id) ? undefined : contracts.get(row.contract_id)
    if (contract === undefined) continue
    if (request.contractId !== undefined && contract.id !== request.contractId) {
      return Result.fail<Refusal>({ status: 400, error: `Invalid request: event ${id} belongs to contract ${contract.id}, not ${request.contractId}` })
    }
    const group = groups.get(contract.id)
    if (group === undefined) groups.set(contract.id, { contract, ids: [id] })
    else group.ids.push(id)
  }
  // Every target is resolved before anything is stamped: a refusal leaves no half-done replay.
  const plans: Array<{ contract: ServedContract; ids: Array<string>; plan: ReplayPlan }> = []
  for (const group of groups.values()) {
    const plan = replayTarget(group.contract, request.version)
    if ("error" in plan) return Result.fail<Refusal>(plan)
    plans.push({ ...group, plan })
  }
  const at = new Date().toISOString()
  const outcomes: Array<ReplayOutcome> = plans.map(({ contract, ids, plan }) => replay(contract, plan, ids, store, at))
  // Every group's write runs to its end (a failed one releases its own stamps); then the first failure, if any, fails the request.
  const written = yield* Effect.all(outcomes.map((outcome) => persistReplay(store, outcome)), { concurrency: "unbounded", mode: "result" })
  const failed = written.find(Result.isFailure)
  if (failed !== undefined) return yield* Effect.fail(failed.failure)
  // A repeated id is answered each time: the first occurrence replays, the later ones are already replayed.
  const answers = new Map<string, Array<EventOutcome>>()
  for (const outcome of outcomes) {
    for (const result of outcome.results) {
      const answer = eventOutcome(result, outcome.plan.target.version, at)
      const same = answers.get(result.quarantine_id)
      if (same === undefined) answers.set(result.quarantine_id, [answer])
      else same.push(answer)
    }
  }
  const ordered = request.ids.map((id) =>
    answers.get(id)?.shift() ?? { event_id: id, version: request.version ?? "", passed: false, violations: [], replayed_at: at }
  )
  return Result.succeed({ replayed: ordered.filter((outcome) => outcome.passed).length, outcomes: ordered })
})
