/**
 * Egress validation (ContractGate RFC-029/030): outbound records are checked
 * with the same compiled validator as ingest, PII transforms are applied to
 * what leaves, and the contract's `egress_leakage_mode` decides what happens
 * to undeclared top-level fields (`off`: kept; `strip`: removed and named;
 * `fail`: removed, and each one a `leakage_violation`). The disposition then
 * decides which records ship: `block` drops failing ones, `fail` ships none
 * when any fails, `tag` ships all and flags the failures.
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"
import type { CompiledContract, ValidationResult, Violation } from "../../services/Contracts.ts"
import { Messages } from "./messages.ts"

/**
 * @since 0.1.0
 * @category models
 */
export type Disposition = "block" | "fail" | "tag"

/**
 * @since 0.1.0
 * @category models
 */
export interface EgressOutcome {
  readonly index: number
  readonly passed: boolean
  readonly violations: ReadonlyArray<Violation>
  readonly action: "included" | "blocked" | "rejected" | "tagged"
  /** Undeclared fields removed from this record (absent from JSON when none). */
  readonly stripped_fields?: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface EgressDecision {
  readonly passed: number
  readonly failed: number
  /** The records that ship, post-transform and post-leakage guard. */
  readonly payload: ReadonlyArray<unknown>
  readonly outcomes: ReadonlyArray<EgressOutcome>
  /** Each record after transforms and the leakage guard (what audit and quarantine rows keep). */
  readonly cleaned: ReadonlyArray<unknown>
  readonly results: ReadonlyArray<ValidationResult>
}

/** The transformed record without its undeclared top-level fields, and their names. */
const guard = (compiled: CompiledContract, declared: ReadonlySet<string>, record: unknown) => {
  const transformed = compiled.transform(record)
  if ((compiled.contract.egress_leakage_mode ?? "off") === "off") return { record: transformed, stripped: [] }
  if (!Predicate.isObject(transformed)) return { record: transformed, stripped: [] }
  const stripped = Object.keys(transformed).filter((key) => !declared.has(key))
  if (stripped.length === 0) return { record: transformed, stripped }
  const kept: Record<string, unknown> = { ...transformed }
  for (const key of stripped) delete kept[key]
  return { record: kept, stripped }
}

/**
 * Validates and guards outbound `records` and decides what ships.
 *
 * @since 0.1.0
 * @category egress
 */
export const decideEgress = (compiled: CompiledContract, records: ReadonlyArray<unknown>, disposition: Disposition): EgressDecision => {
  const declared = new Set(compiled.contract.ontology.entities.map((field) => field.name))
  const failOnLeak = compiled.contract.egress_leakage_mode === "fail"
  const guarded = records.map((record) => guard(compiled, declared, record))
  const results = compiled.validateBatch(records).map((result, index): ValidationResult => {
    const leaks = failOnLeak ? guarded[index]!.stripped.map(Messages.leakage) : []
    return leaks.length === 0 ? result : { passed: false, violations: [...result.violations, ...leaks] }
  })
  const failed = results.filter((result) => !result.passed).length
  const payload: Array<unknown> = []
  const outcomes = results.map((result, index): EgressOutcome => {
    const ships = disposition === "tag" || (disposition === "block" ? result.passed : failed === 0)
    if (ships) payload.push(guarded[index]!.record)
    const action = result.passed ? (ships ? "included" : "rejected") : disposition === "block" ? "blocked" : disposition === "tag" ? "tagged" : "rejected"
    const stripped = guarded[index]!.stripped
    return { index, passed: result.passed, violations: result.violations, action, ...(stripped.length > 0 ? { stripped_fields: stripped } : {}) }
  })
  return { passed: records.length - failed, failed, payload, outcomes, cleaned: guarded.map((entry) => entry.record), results }
}
