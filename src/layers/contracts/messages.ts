/**
 * The reference engine's violation messages, in one place: downstream triage
 * matches on them. Numbers print like Rust's f64 `Display` (`-1`, `49.99`,
 * never an exponent); quoted values like Rust's `{:?}` (close to
 * `JSON.stringify`: both escape quotes, backslashes and control characters).
 *
 * These helpers run only when a violation is found, never on the happy path.
 * Envelope wrapper and egress leakage messages are here too.
 *
 * @since 0.1.0
 */
import type { FieldType, Violation, ViolationKind } from "../../services/Contracts.ts"

/**
 * A number as Rust's f64 `Display` writes it: no exponent, ever.
 *
 * @since 0.1.0
 * @category formatting
 */
export const rustNumber = (n: number): string => {
  const text = String(n)
  if (!text.includes("e")) return text
  const exponent = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (exponent === null) return text
  const [, sign, lead, fraction = "", power] = exponent
  const digits = `${lead}${fraction}`
  const point = 1 + Number(power)
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  return point >= digits.length ? `${sign}${digits}${"0".repeat(point - digits.length)}` : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/**
 * The type as the reference prints it (Rust `Debug` of the enum).
 *
 * @since 0.1.0
 * @category formatting
 */
export const debugType = (type: FieldType): string =>
  type === "number" ? "Float" : `${type[0]!.toUpperCase()}${type.slice(1)}`

/**
 * The JSON type of a value: `null`, `boolean`, `integer`, `float`, `string`, `array`, `object`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const jsonType = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "array"
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "float"
  return typeof value === "boolean" || typeof value === "string" ? typeof value : "object"
}

const violation = (field: string, kind: ViolationKind, message: string): Violation => ({ field, kind, message })

/**
 * The message builders the generated validators call (passed in as closure
 * data, so generated code never embeds message text).
 *
 * @since 0.1.0
 * @category messages
 */
export const Messages = {
  missing: (path: string, name: string) => violation(path, "missing_required_field", `Required field '${name}' is missing`),
  type: (path: string, expected: string, value: unknown) =>
    violation(path, "type_mismatch", `Field '${path}' expected type ${expected}, got ${jsonType(value)}`),
  tooShort: (path: string, length: number, min: number) =>
    violation(path, "length_violation", `Field '${path}' length ${length} is below minimum ${min}`),
  tooLong: (path: string, length: number, max: number) =>
    violation(path, "length_violation", `Field '${path}' length ${length} exceeds maximum ${max}`),
  pattern: (path: string, value: string) =>
    violation(path, "pattern_mismatch", `Field '${path}' value ${JSON.stringify(value)} does not match required pattern`),
  date: (path: string, value: string) =>
    violation(
      path,
      "pattern_mismatch",
      `Field '${path}' value ${JSON.stringify(value)} is not a valid calendar date (expected YYYY-MM-DD)`
    ),
  /** `min`/`max` come preformatted: they are constants of the contract. */
  below: (path: string, value: number, min: string) =>
    violation(path, "range_violation", `Field '${path}' value ${rustNumber(value)} is below minimum ${min}`),
  above: (path: string, value: number, max: string) =>
    violation(path, "range_violation", `Field '${path}' value ${rustNumber(value)} exceeds maximum ${max}`),
  notInEnum: (path: string, value: unknown, allowed: string) =>
    violation(path, "enum_violation", `Field '${path}' value ${JSON.stringify(value)} not in allowed set: ${allowed}`),
  metricMissing: (name: string, field: string) =>
    violation(field, "missing_required_field", `Metric '${name}' field '${field}' is missing or not numeric`),
  metricBelow: (name: string, field: string, value: number, min: number) =>
    violation(
      field,
      "metric_range_violation",
      `Metric '${name}' value ${rustNumber(value)} is below minimum ${rustNumber(min)} (field: '${field}')`
    ),
  metricAbove: (name: string, field: string, value: number, max: number) =>
    violation(
      field,
      "metric_range_violation",
      `Metric '${name}' value ${rustNumber(value)} exceeds maximum ${rustNumber(max)} (field: '${field}')`
    ),
  incomplete: (field: string, empty: boolean) =>
    violation(
      field,
      "completeness_violation",
      `Quality completeness: field '${field}' is ${empty ? "an empty string" : "absent or null"}`
    ),
  notTimestamp: (field: string) =>
    violation(field, "freshness_violation", `Quality freshness: field '${field}' is not a numeric Unix timestamp`),
  stale: (field: string, age: number, max: number) =>
    violation(field, "freshness_violation", `Quality freshness: field '${field}' timestamp is ${age}s old (max ${max}s)`),
  duplicate: (field: string, json: string) =>
    violation(field, "uniqueness_violation", `Quality uniqueness: duplicate value ${JSON.stringify(json)} for field '${field}' in batch`),
  undeclared: (key: string) =>
    violation(
      key,
      "undeclared_field",
      `Field '${key}' is not declared in the contract ontology. Compliance mode rejects undeclared fields.`
    ),
  notObject: () => violation("<root>", "type_mismatch", "Event must be a JSON object"),
  /** Egress with `egress_leakage_mode: fail`. */
  leakage: (field: string) =>
    violation(
      field,
      "leakage_violation",
      `Undeclared field '${field}' found in egress payload (egress_leakage_mode=fail); field stripped from response`
    ),
  /** Envelope batches: `what` is `field 'success'` or `pagination field 'page'`. */
  wrapperMissing: (path: string, what: string) => violation(path, "missing_required_field", `Wrapper ${what} is missing`),
  wrapperType: (path: string, what: string, expected: string, value: unknown) =>
    violation(path, "type_mismatch", `Wrapper ${what} must be ${expected}, got ${jsonType(value)}`),
  envelopeNotObject: () => violation("<root>", "type_mismatch", "Envelope payload must be a JSON object"),
  envelopeKeyMissing: (key: string) => violation(key, "missing_required_field", `Envelope key '${key}' is missing`),
  envelopeKeyNotArray: (key: string, value: unknown) =>
    violation(key, "type_mismatch", `Envelope key '${key}' must be an array, got ${jsonType(value)}`)
} as const

/**
 * The allowed set of an enum as the message prints it: `["a", 1]` -> `["a", 1]`.
 *
 * @since 0.1.0
 * @category messages
 */
export const allowedSet = (values: ReadonlyArray<unknown>): string => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`
