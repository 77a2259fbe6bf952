/**
 * Converters of plain values: strings, numbers, booleans, bigints (decimal
 * strings in payloads), literals, enums, null and unknown.
 *
 * Strict (the default) accepts a payload only in its own JSON type, plus
 * integral numbers for ints; `Strict(false)` adds lossless coercions on
 * input: numeric strings to numbers, `true/yes/on/enabled` and
 * `false/no/off/disabled` to booleans (databind maps all of them to true;
 * strata does not), numbers and booleans to strings. Output is always strict.
 *
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import type { Compiler, Converter, Plan } from "../../services/MapperModule.ts"
import { fail } from "../../services/MapperModule.ts"
import { expected, mismatch } from "./describe.ts"

const TRUE = new Set(["true", "yes", "on", "enabled"])
const FALSE = new Set(["false", "no", "off", "disabled"])
const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/
const INTEGER = /^[-+]?\d+$/

const strictOf = (ast: SchemaAST.AST, compiler: Compiler) => compiler.setting("Strict", ast)?.enabled ?? true

const typed = (label: string, what: string, type: string): Plan["encode"] => (value) =>
  typeof value === type ? value : fail(`${expected(what, value)} (serializing ${label})`)

const stringPlan = (strict: boolean): Plan => ({
  label: "string",
  decode: (payload) => {
    if (typeof payload === "string") return payload
    if (!strict && (typeof payload === "number" || typeof payload === "boolean")) return String(payload)
    return mismatch("a string", payload)
  },
  encode: typed("string", "a string", "string")
})

const numberPlan = (strict: boolean): Plan => ({
  label: "number",
  decode: (payload) => {
    if (typeof payload === "number") return payload
    if (!strict && typeof payload === "string" && NUMERIC.test(payload)) return Number(payload)
    return mismatch("a number", payload)
  },
  encode: (value) =>
    typeof value === "number" && Number.isFinite(value)
      ? value
      : fail(typeof value === "number" ? `${value} cannot be written as a JSON number` : expected("a number", value))
})

const booleanPlan = (strict: boolean): Plan => ({
  label: "boolean",
  decode: (payload) => {
    if (typeof payload === "boolean") return payload
    if (!strict && typeof payload === "string") {
      const word = payload.trim().toLowerCase()
      if (TRUE.has(word)) return true
      if (FALSE.has(word)) return false
    }
    return mismatch("a boolean (true or false)", payload)
  },
  encode: typed("boolean", "a boolean", "boolean")
})

const bigintPlan = (strict: boolean): Plan => ({
  label: "bigint",
  decode: (payload) => {
    if (typeof payload === "string" && INTEGER.test(payload)) return BigInt(payload)
    if (typeof payload === "number" && Number.isSafeInteger(payload)) return BigInt(payload)
    if (!strict && typeof payload === "number" && Number.isInteger(payload)) return BigInt(payload)
    return mismatch("an integer as digits (a string such as \"12345678901234567890\")", payload)
  },
  encode: (value) => typeof value === "bigint" ? value.toString() : mismatch("a bigint", value)
})

const literalPlan = (literal: SchemaAST.Literal["literal"], label: string): Plan => {
  const out = typeof literal === "bigint" ? literal.toString() : literal
  return {
    label,
    decode: (payload) => payload === literal || (typeof literal === "bigint" && payload === out) ? literal : mismatch(label, payload),
    encode: (value) => value === literal ? out : mismatch(label, value)
  }
}

/** Enums travel by member name (or its first alias); numeric-only enums by value, like IntEnum. */
const enumPlan = (ast: SchemaAST.Enum, label: string): Plan => {
  const numeric = ast.enums.every(([, value]) => typeof value === "number")
  if (numeric) {
    const values = new Set(ast.enums.map(([, value]) => value))
    const check = (value: unknown) => values.has(value as number) ? value : mismatch(`a member of ${label}`, value)
    return { label, decode: check, encode: check }
  }
  const byName = new Map<unknown, string | number>(ast.enums)
  const nameOf = new Map<unknown, string>(ast.enums.map(([name, value]) => [value, name]))
  const names = ast.enums.map(([name]) => `'${name}'`).join(", ")
  return {
    label,
    decode: (payload) =>
      byName.has(payload) ? byName.get(payload) : fail(`${expected(`one of ${names}`, payload)} (members of ${label})`),
    encode: (value) => nameOf.get(value) ?? mismatch(`a member of ${label}`, value)
  }
}

const identity = (value: unknown) => value

/**
 * @since 0.1.0
 * @category converters
 */
export const primitives: Converter = {
  name: "primitives",
  compile: (ast, compiler) => {
    switch (ast._tag) {
      case "String":
        return stringPlan(strictOf(ast, compiler))
      case "Number":
        return numberPlan(strictOf(ast, compiler))
      case "Boolean":
        return booleanPlan(strictOf(ast, compiler))
      case "BigInt":
        return bigintPlan(strictOf(ast, compiler))
      case "Literal":
        return literalPlan(ast.literal, compiler.label(ast))
      case "Enum":
        return enumPlan(ast, compiler.label(ast))
      case "Null":
        return { label: "null", decode: (payload) => payload === null ? null : mismatch("null", payload), encode: (value) => value === null ? null : mismatch("null", value) }
      case "Undefined":
      case "Void":
        return { label: "undefined", decode: (payload) => payload === undefined || payload === null ? undefined : mismatch("nothing", payload), encode: () => undefined }
      case "Unknown":
      case "Any":
        return { label: ast._tag.toLowerCase(), decode: identity, encode: identity }
      default:
        return undefined
    }
  }
}
