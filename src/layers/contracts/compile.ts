/**
 * A contract compiled into JavaScript source generated for it, turned into a
 * function once with `new Function`: per event there is no walk over rule
 * objects, only the checks this contract needs, inlined.
 *
 * Injection: generated code never splices contract text raw. Field names,
 * paths and numbers are embedded with `JSON.stringify` (a valid, inert JS
 * literal for any string); regexes, enum sets and key sets are passed as
 * closure data (`D[i]`); messages are built by `Messages` (`M`), so no
 * message text is generated at all.
 *
 * Deliberate differences from the reference engine are listed in the README
 * (`Data contracts`): lengths count code points, array item patterns are
 * checked, `1.0` is an integer.
 *
 * @since 0.1.0
 */
import type { Contract, FieldDefinition, ValidationResult, Violation } from "../../services/Contracts.ts"
import { allowedSet, debugType, Messages, rustNumber } from "./messages.ts"
import { codePoints, isCalendarDate, jsonEqual, valueAt } from "./runtime.ts"

/** A path as code: a literal when known at compile time, else an expression (inside array loops). */
interface PathCode {
  readonly literal: string | undefined
  readonly expr: string
}

const literalPath = (path: string): PathCode => ({ literal: path, expr: JSON.stringify(path) })
const childPath = (parent: PathCode, suffix: string): PathCode =>
  parent.literal !== undefined ? literalPath(parent.literal + suffix) : { literal: undefined, expr: `(${parent.expr} + ${JSON.stringify(suffix)})` }
const indexPath = (parent: PathCode, index: string): PathCode => ({ literal: undefined, expr: `(${parent.expr} + "[" + ${index} + "]")` })

class Generator {
  readonly data: Array<unknown> = []
  private names = 0
  readonly nullAsAbsent: boolean
  readonly patterns: ReadonlyMap<FieldDefinition, RegExp>
  constructor(nullAsAbsent: boolean, patterns: ReadonlyMap<FieldDefinition, RegExp>) {
    this.nullAsAbsent = nullAsAbsent
    this.patterns = patterns
  }
  ref(value: unknown): string {
    this.data.push(value)
    return `D[${this.data.length - 1}]`
  }
  fresh(prefix: string): string {
    return `${prefix}${this.names++}`
  }
}

const typeTest = (type: FieldDefinition["type"], x: string): string | undefined => {
  switch (type) {
    case "string":
    case "date":
      return `typeof ${x} === "string"`
    // JSON has one number type: 1.0 is the integer 1 (the reference, which sees the token, rejects it).
    case "integer":
      return `(typeof ${x} === "number" && Number.isInteger(${x}))`
    case "float":
    case "number":
      return `typeof ${x} === "number"`
    case "boolean":
      return `typeof ${x} === "boolean"`
    case "object":
      return `(typeof ${x} === "object" && ${x} !== null && !Array.isArray(${x}))`
    case "array":
      return `Array.isArray(${x})`
    case "any":
      return undefined
  }
}

/** A number as a JS literal; the schema admits finite numbers only, so this is always a plain literal. */
const num = (value: number): string => JSON.stringify(value)

const isStringType = (type: FieldDefinition["type"]) => type === "string" || type === "date"
const isNumberType = (type: FieldDefinition["type"]) => type === "integer" || type === "float" || type === "number"

/** Checks of one present value, in the reference order: type, length, pattern, date, range, enum, children. */
const valueCode = (g: Generator, field: FieldDefinition, x: string, path: PathCode): string => {
  const p = path.expr
  const out: Array<string> = []
  const strings: Array<string> = []
  if (field.min_length !== undefined || field.max_length !== undefined) {
    // Code points are between length/2 and length (UTF-16 units): count them only when that range is not enough.
    const n = g.fresh("n")
    strings.push(`let ${n};`)
    if (field.min_length !== undefined) {
      const min = num(field.min_length)
      strings.push(`if (${x}.length < ${num(field.min_length * 2)} && (${n} = H.codePoints(${x})) < ${min}) (V ??= []).push(M.tooShort(${p}, ${n}, ${min}));`)
    }
    if (field.max_length !== undefined) {
      const max = num(field.max_length)
      strings.push(`if (${x}.length > ${max} && (${n} = H.codePoints(${x})) > ${max}) (V ??= []).push(M.tooLong(${p}, ${n}, ${max}));`)
    }
  }
  const pattern = g.patterns.get(field)
  if (pattern !== undefined) strings.push(`if (!${g.ref(pattern)}.test(${x})) (V ??= []).push(M.pattern(${p}, ${x}));`)
  if (field.type === "date") strings.push(`if (!H.isCalendarDate(${x})) (V ??= []).push(M.date(${p}, ${x}));`)
  if (strings.length > 0) out.push(isStringType(field.type) ? strings.join("\n") : `if (typeof ${x} === "string") {\n${strings.join("\n")}\n}`)
  const numbers: Array<string> = []
  if (field.min !== undefined) {
    numbers.push(`if (${x} < ${num(field.min)}) (V ??= []).push(M.below(${p}, ${x}, ${JSON.stringify(rustNumber(field.min))}));`)
  }
  if (field.max !== undefined) {
    numbers.push(`if (${x} > ${num(field.max)}) (V ??= []).push(M.above(${p}, ${x}, ${JSON.stringify(rustNumber(field.max))}));`)
  }
  if (numbers.length > 0) out.push(isNumberType(field.type) ? numbers.join("\n") : `if (typeof ${x} === "number") {\n${numbers.join("\n")}\n}`)
  if (field.enum !== undefined) {
    const primitives = new Set(field.enum.filter((v) => typeof v !== "object" || v === null))
    const composites = field.enum.filter((v) => typeof v === "object" && v !== null)
    // A short list of primitives is a chain of ===, as fast as it gets; longer ones a Set.
    const test = composites.length === 0 && primitives.size <= 16
      ? `!(${[...primitives].map((v) => `${x} === ${JSON.stringify(v)}`).join(" || ")})`
      : composites.length === 0
      ? `!${g.ref(primitives)}.has(${x})`
      : `!${g.ref(primitives)}.has(${x}) && !${g.ref(composites)}.some((m) => H.jsonEqual(m, ${x}))`
    out.push(`if (${test}) (V ??= []).push(M.notInEnum(${p}, ${x}, ${JSON.stringify(allowedSet(field.enum))}));`)
  }
  if (field.type === "object" && field.properties !== undefined) {
    for (const property of field.properties) out.push(memberCode(g, property, x, path))
  }
  if (field.type === "array" && field.items !== undefined) {
    const i = g.fresh("i")
    const item = g.fresh("x")
    out.push(
      `for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {\nconst ${item} = ${x}[${i}];\n${
        valueCode(g, field.items, item, indexPath(path, i))
      }\n}`
    )
  }
  const test = typeTest(field.type, x)
  const body = out.join("\n")
  if (test === undefined) return body
  const mismatch = `(V ??= []).push(M.type(${p}, ${JSON.stringify(debugType(field.type))}, ${x}));`
  return body === "" ? `if (!(${test})) ${mismatch}` : `if (!(${test})) ${mismatch}\nelse {\n${body}\n}`
}

/** One member of an object: present (checked), absent or null (required or not). */
const memberCode = (g: Generator, field: FieldDefinition, parent: string, parentPath: PathCode | undefined): string => {
  const x = g.fresh("x")
  const path = parentPath === undefined ? literalPath(field.name) : childPath(parentPath, `.${field.name}`)
  const key = JSON.stringify(field.name)
  // A name Object.prototype also has (`constructor`, `__proto__`) must be an own key.
  const read = field.name in Object.prototype || field.name === "__proto__"
    ? `(Object.hasOwn(${parent}, ${key}) ? ${parent}[${key}] : undefined)`
    : `${parent}[${key}]`
  const absent = g.nullAsAbsent ? `${x} === undefined || ${x} === null` : `${x} === undefined`
  const missing = field.required === false ? "" : `(V ??= []).push(M.missing(${path.expr}, ${key}));`
  return `const ${x} = ${read};\nif (${absent}) {${missing}}\nelse {\n${valueCode(g, field, x, path)}\n}`
}

const ruleCode = (g: Generator, contract: Contract): Array<string> => {
  const out: Array<string> = []
  for (const metric of contract.metrics ?? []) {
    if (metric.field === undefined) continue // formula metrics are informational
    const m = g.fresh("m")
    const name = JSON.stringify(metric.name)
    const field = JSON.stringify(metric.field)
    const bounds = [
      metric.min === undefined ? "" : `if (${m} < ${num(metric.min)}) (V ??= []).push(M.metricBelow(${name}, ${field}, ${m}, ${num(metric.min)}));`,
      metric.max === undefined ? "" : `if (${m} > ${num(metric.max)}) (V ??= []).push(M.metricAbove(${name}, ${field}, ${m}, ${num(metric.max)}));`
    ].join("\n")
    out.push(`{ const ${m} = H.valueAt(e, ${g.ref(metric.field.split("."))});
if (typeof ${m} !== "number") (V ??= []).push(M.metricMissing(${name}, ${field}));
else {\n${bounds}\n} }`)
  }
  for (const rule of contract.quality ?? []) {
    const q = g.fresh("q")
    const field = JSON.stringify(rule.field)
    const read = `const ${q} = H.valueAt(e, ${g.ref(rule.field.split("."))});`
    if (rule.type === "completeness") {
      out.push(`{ ${read}
if (${q} === undefined || ${q} === null) (V ??= []).push(M.incomplete(${field}, false));
else if (${q} === "") (V ??= []).push(M.incomplete(${field}, true)); }`)
    } else if (rule.type === "freshness" && rule.max_age_seconds !== undefined) {
      const max = num(rule.max_age_seconds)
      // Values above 1.7e12 are milliseconds; a timestamp in the future fails too.
      out.push(`{ ${read}
if (${q} !== undefined) {
if (typeof ${q} !== "number" || !Number.isInteger(${q})) (V ??= []).push(M.notTimestamp(${field}));
else { if (now === undefined) now = Date.now(); const age = Math.floor(now / 1000) - (${q} > 1700000000000 ? Math.floor(${q} / 1000) : ${q});
if (age < 0 || age > ${max}) (V ??= []).push(M.stale(${field}, age, ${max})); } } }`)
    }
  }
  if (contract.compliance_mode === true) {
    const declared = g.ref(new Set(contract.ontology.entities.map((field) => field.name)))
    out.push(`for (const k of Object.keys(e)) if (!${declared}.has(k)) (V ??= []).push(M.undeclared(k));`)
  }
  return out
}

const PASSED: ValidationResult = Object.freeze({ passed: true, violations: Object.freeze([]) as ReadonlyArray<Violation> })
const NOT_OBJECT: ValidationResult = Object.freeze({ passed: false, violations: Object.freeze([Messages.notObject()]) })

/**
 * The validator's source, for the curious and for tests of injection safety.
 *
 * @since 0.1.0
 * @category compiling
 */
export const validatorSource = (contract: Contract, patterns: ReadonlyMap<FieldDefinition, RegExp>) => {
  const g = new Generator(contract.null_as_absent === true, patterns)
  const fields = contract.ontology.entities.map((field) => memberCode(g, field, "e", undefined))
  const body = [...fields, ...ruleCode(g, contract)].join("\n")
  const source = `"use strict";
return function validate(e, now) {
if (typeof e !== "object" || e === null || Array.isArray(e)) return NOT_OBJECT;
// No array until the first violation: a passing event allocates nothing.
let V = null;
${body}
return V === null ? PASSED : { passed: false, violations: V };
};`
  return { source, data: g.data }
}

/**
 * The generated validator of a contract whose patterns are already compiled.
 *
 * @since 0.1.0
 * @category compiling
 */
export const generateValidator = (
  contract: Contract,
  patterns: ReadonlyMap<FieldDefinition, RegExp>
): (event: unknown, now?: number) => ValidationResult => {
  const { data, source } = validatorSource(contract, patterns)
  const helpers = { codePoints, isCalendarDate, jsonEqual, valueAt }
  // oxlint-disable-next-line no-new-func -- the point of this module; see the header on injection.
  const make = new Function("D", "H", "M", "PASSED", "NOT_OBJECT", source) as (...args: ReadonlyArray<unknown>) => (
    event: unknown,
    now?: number
  ) => ValidationResult
  return make(data, helpers, Messages, PASSED, NOT_OBJECT)
}
