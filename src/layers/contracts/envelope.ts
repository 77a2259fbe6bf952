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
import type {
  Contract,
  EnvelopeRecordViolation,
  EnvelopeResult,
  ValidationResult,
  Violation,
  ViolationKind
} from "../../services/Contracts.ts"
import { jsonType } from "./messages.ts"

type Envelope = NonNullable<Contract["envelope"]>

const wrapperViolation = (field: string, kind: ViolationKind, message: string): EnvelopeRecordViolation => ({
  record_index: 0,
  field,
  message,
  kind
})

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The wrapper's own violations (`success`, `pagination`), in the reference's order and words. */
const wrapperViolations = (wrapper: Record<string, unknown>): Array<EnvelopeRecordViolation> => {
  const found: Array<EnvelopeRecordViolation> = []
  const success = wrapper["success"]
  if (success === undefined) found.push(wrapperViolation("success", "missing_required_field", "Wrapper field 'success' is missing"))
  else if (typeof success !== "boolean") {
    found.push(wrapperViolation("success", "type_mismatch", `Wrapper field 'success' must be boolean, got ${jsonType(success)}`))
  }
  const pagination = wrapper["pagination"]
  if (pagination === undefined) return found
  if (!isObject(pagination)) {
    found.push(wrapperViolation("pagination", "type_mismatch", `Wrapper field 'pagination' must be an object, got ${jsonType(pagination)}`))
    return found
  }
  for (const key of ["page", "limit", "total"]) {
    const value = pagination[key]
    if (value === undefined) {
      found.push(wrapperViolation(`pagination.${key}`, "missing_required_field", `Wrapper pagination field '${key}' is missing`))
    } else if (typeof value !== "number") {
      found.push(wrapperViolation(`pagination.${key}`, "type_mismatch", `Wrapper pagination field '${key}' must be a number, got ${jsonType(value)}`))
    }
  }
  const hasMore = pagination["hasMore"]
  if (hasMore !== undefined && typeof hasMore !== "boolean") {
    found.push(
      wrapperViolation("pagination.hasMore", "type_mismatch", `Wrapper pagination field 'hasMore' must be boolean, got ${jsonType(hasMore)}`)
    )
  }
  return found
}

const rejected = (violations: ReadonlyArray<EnvelopeRecordViolation>, quarantined: number, started: number): EnvelopeResult => ({
  passed: 0,
  quarantined,
  violations,
  validation_us: elapsedUs(started)
})

const strip = ({ field, kind, message }: EnvelopeRecordViolation): Violation => ({ field, kind, message })

const elapsedUs = (started: number) => Math.round((performance.now() - started) * 1000)

/**
 * The records of an envelope payload, or undefined when it has none to
 * extract (not an object, key missing, not an array).
 *
 * @since 0.1.0
 * @category envelopes
 */
export const envelopeRecords = (envelope: Envelope, payload: unknown): ReadonlyArray<unknown> | undefined => {
  const records = isObject(payload) ? payload[envelope.records_path] : undefined
  return Array.isArray(records) ? records : undefined
}

/**
 * Validates an envelope payload with `validateBatch` for its records.
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
  if (!isObject(payload)) {
    return rejected([wrapperViolation("<root>", "type_mismatch", "Envelope payload must be a JSON object")], 1, started)
  }
  const wrapper = envelope.validate_wrapper === true ? wrapperViolations(payload) : []
  const key = envelope.records_path
  const records = payload[key]
  if (records === undefined) {
    return rejected([...wrapper, wrapperViolation(key, "missing_required_field", `Envelope key '${key}' is missing`)], 1, started)
  }
  if (!Array.isArray(records)) {
    return rejected([...wrapper, wrapperViolation(key, "type_mismatch", `Envelope key '${key}' must be an array, got ${jsonType(records)}`)], 1, started)
  }
  if (wrapper.length > 0) return rejected(wrapper, Math.max(records.length, 1), started)
  const violations: Array<EnvelopeRecordViolation> = []
  let passed = 0
  validateBatch(records, now).forEach((result, record_index) => {
    if (result.passed) return void passed++
    for (const violation of result.violations) violations.push({ record_index, ...violation })
  })
  return { passed, quarantined: records.length - passed, violations, validation_us: elapsedUs(started) }
}

/**
 * One result per record, for persistence: each record's own violations, or
 * (when the wrapper failed) the wrapper's violations on every record; a
 * payload with no records to extract is one failed row over the whole
 * payload. A valid empty batch has no rows.
 *
 * @since 0.1.0
 * @category envelopes
 */
export const envelopeRows = (
  envelope: Envelope,
  payload: unknown,
  result: EnvelopeResult
): ReadonlyArray<{ readonly record: unknown; readonly result: ValidationResult }> => {
  const records = envelopeRecords(envelope, payload)
  if (records === undefined) {
    const violations = result.violations.length > 0
      ? result.violations.map(strip)
      : [{ field: envelope.records_path, kind: "missing_required_field" as const, message: "Envelope produced no extractable records" }]
    return [{ record: payload, result: { passed: false, violations } }]
  }
  // Decided again from the payload rather than guessed from field names (a record may have a `success` field).
  const wrapperFailed = envelope.validate_wrapper === true && isObject(payload) && wrapperViolations(payload).length > 0
  const byRecord = new Map<number, Array<Violation>>()
  for (const violation of wrapperFailed ? [] : result.violations) {
    const list = byRecord.get(violation.record_index) ?? []
    list.push(strip(violation))
    byRecord.set(violation.record_index, list)
  }
  const shared = wrapperFailed ? result.violations.map(strip) : []
  return records.map((record, index) => {
    const violations = wrapperFailed ? shared : byRecord.get(index) ?? []
    return { record, result: { passed: violations.length === 0, violations } }
  })
}
