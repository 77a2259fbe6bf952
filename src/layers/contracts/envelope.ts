/**
 * Envelope batches (ContractGate RFC-038): a contract with an `envelope`
 * stanza takes one JSON object whose `records_path` key holds the records,
 * e.g. `{ "success": true, "data": [...], "pagination": {...} }`. Records are
 * validated one by one (with the batch's uniqueness rules: the reference
 * skips them for envelopes, which we take for an oversight); with
 * `validate_wrapper`, a bad `success` or `pagination` quarantines the whole
 * batch and only the wrapper's violations are reported.
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"
import type {
  Contract,
  EnvelopeRecordViolation,
  EnvelopeResult,
  ValidationResult,
  Violation
} from "../../services/Contracts.ts"
import { Messages } from "./messages.ts"

type Envelope = NonNullable<Contract["envelope"]>

/** A violation of the envelope itself: the reference reports it at record 0. */
const atEnvelope = (violation: Violation): EnvelopeRecordViolation => ({ record_index: 0, ...violation })

/** The wrapper's own violations (`success`, `pagination`), in the reference's order and words. */
const wrapperViolations = (wrapper: { readonly [key: string]: unknown }): Array<Violation> => {
  const found: Array<Violation> = []
  const success = wrapper["success"]
  if (success === undefined) found.push(Messages.wrapperMissing("success", "field 'success'"))
  else if (typeof success !== "boolean") found.push(Messages.wrapperType("success", "field 'success'", "boolean", success))
  const pagination = wrapper["pagination"]
  if (pagination === undefined) return found
  if (!Predicate.isObject(pagination)) {
    found.push(Messages.wrapperType("pagination", "field 'pagination'", "an object", pagination))
    return found
  }
  for (const key of ["page", "limit", "total"]) {
    const value = pagination[key]
    if (value === undefined) found.push(Messages.wrapperMissing(`pagination.${key}`, `pagination field '${key}'`))
    else if (typeof value !== "number") found.push(Messages.wrapperType(`pagination.${key}`, `pagination field '${key}'`, "a number", value))
  }
  const hasMore = pagination["hasMore"]
  if (hasMore !== undefined && typeof hasMore !== "boolean") {
    found.push(Messages.wrapperType("pagination.hasMore", "pagination field 'hasMore'", "boolean", hasMore))
  }
  return found
}

const strip = ({ field, kind, message }: EnvelopeRecordViolation): Violation => ({ field, kind, message })

/**
 * The records of an envelope payload, or undefined when it has none to
 * extract (not an object, key missing, not an array).
 *
 * @since 0.1.0
 * @category envelopes
 */
export const envelopeRecords = (envelope: Envelope, payload: unknown): ReadonlyArray<unknown> | undefined => {
  const records = Predicate.isObject(payload) ? payload[envelope.records_path] : undefined
  return Array.isArray(records) ? records : undefined
}

/**
 * What is wrong with the envelope itself rather than its records (not an
 * object, wrapper checks, records key missing or not an array); empty when
 * the records can be validated.
 *
 * @since 0.1.0
 * @category envelopes
 */
export const envelopeProblems = (envelope: Envelope, payload: unknown): ReadonlyArray<EnvelopeRecordViolation> => {
  if (!Predicate.isObject(payload)) return [atEnvelope(Messages.envelopeNotObject())]
  const problems = envelope.validate_wrapper === true ? wrapperViolations(payload) : []
  const key = envelope.records_path
  const records = payload[key]
  if (records === undefined) problems.push(Messages.envelopeKeyMissing(key))
  else if (!Array.isArray(records)) problems.push(Messages.envelopeKeyNotArray(key, records))
  return problems.map(atEnvelope)
}

/**
 * Validates an envelope payload with `validateBatch` for its records. A
 * problem with the envelope quarantines the whole batch (at least one).
 *
 * @since 0.1.0
 * @category envelopes
 */
export const validateEnvelope = (
  envelope: Envelope,
  validateBatch: (events: ReadonlyArray<unknown>, now?: number) => ReadonlyArray<ValidationResult>,
  payload: unknown,
  now?: number
): EnvelopeResult => {
  const started = performance.now()
  const problems = envelopeProblems(envelope, payload)
  const records = envelopeRecords(envelope, payload)
  if (problems.length > 0 || records === undefined) {
    return { passed: 0, quarantined: Math.max(records?.length ?? 1, 1), violations: problems, validation_us: elapsedUs(started) }
  }
  const violations: Array<EnvelopeRecordViolation> = []
  let passed = 0
  validateBatch(records, now).forEach((result, record_index) => {
    if (result.passed) return void passed++
    for (const violation of result.violations) violations.push({ record_index, ...violation })
  })
  return { passed, quarantined: records.length - passed, violations, validation_us: elapsedUs(started) }
}

const elapsedUs = (started: number) => Math.round((performance.now() - started) * 1000)

/**
 * One result per record, for persistence: each record's own violations, or
 * the envelope's problems on every record; a payload with no records to
 * extract is one failed row over the whole payload. A valid empty batch has
 * no rows.
 *
 * @since 0.1.0
 * @category envelopes
 */
export const envelopeRows = (
  envelope: Envelope,
  payload: unknown,
  result: EnvelopeResult
): ReadonlyArray<{ readonly record: unknown; readonly result: ValidationResult }> => {
  const problems = envelopeProblems(envelope, payload).map(strip)
  const records = envelopeRecords(envelope, payload)
  if (records === undefined) return [{ record: payload, result: { passed: false, violations: problems } }]
  const byRecord = new Map<number, Array<Violation>>()
  for (const violation of problems.length > 0 ? [] : result.violations) {
    const list = byRecord.get(violation.record_index) ?? []
    list.push(strip(violation))
    byRecord.set(violation.record_index, list)
  }
  return records.map((record, index) => {
    const violations = problems.length > 0 ? problems : byRecord.get(index) ?? []
    return { record, result: { passed: violations.length === 0, violations } }
  })
}
