/**
 * How datatypes and payload values read in the mapper's traces and
 * messages: `Array<Item>`, `'a' | 'b'`, "expected a number, got 'x'".
 *
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import { fail } from "../../services/MapperModule.ts"

const IDS: Readonly<Record<string, string>> = {
  "effect/schema/Date": "Date",
  "effect/schema/DateTimeUtc": "DateTime.Utc",
  "effect/schema/Duration": "Duration",
  "effect/schema/BigDecimal": "BigDecimal",
  "effect/schema/Option": "Option",
  "effect/schema/Redacted": "Redacted"
}

/**
 * The `representation.id` of a declared type (`effect/schema/Date` ...).
 *
 * @since 0.1.0
 * @category utils
 */
export const representationId = (ast: SchemaAST.AST): string | undefined => {
  const representation = ast.annotations?.["representation"] as { readonly id?: unknown } | undefined
  return typeof representation?.id === "string" ? representation.id : undefined
}

/**
 * A stable TypeScript-like label for a datatype.
 *
 * @since 0.1.0
 * @category utils
 */
export const labelOf = (ast: SchemaAST.AST): string => {
  const named = ast.annotations?.["identifier"] ?? ast.annotations?.["title"]
  if (typeof named === "string") return named
  switch (ast._tag) {
    case "String":
    case "Number":
    case "Boolean":
    case "BigInt":
    case "Symbol":
    case "Null":
    case "Undefined":
    case "Unknown":
    case "Any":
    case "Never":
    case "Void":
      return ast._tag.toLowerCase()
    case "Literal":
      return typeof ast.literal === "string" ? `'${ast.literal}'` : String(ast.literal)
    case "Enum":
      return `enum {${ast.enums.map(([name]) => name).join(", ")}}`
    case "Arrays":
      return ast.rest.length > 0 && ast.elements.length === 0
        ? `Array<${labelOf(ast.rest[0]!)}>`
        : `[${ast.elements.map(labelOf).join(", ")}]`
    case "Objects":
      if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 1) {
        return `Record<${labelOf(ast.indexSignatures[0]!.parameter)}, ${labelOf(ast.indexSignatures[0]!.type)}>`
      }
      return `{ ${ast.propertySignatures.map((property) => String(property.name)).join(", ")} }`
    case "Union":
      return ast.types.map(labelOf).join(" | ")
    case "Declaration": {
      const id = representationId(ast)
      const base = id === undefined ? "declared type" : IDS[id] ?? id
      return ast.typeParameters.length === 0 ? base : `${base}<${ast.typeParameters.map(labelOf).join(", ")}>`
    }
    default:
      return ast._tag
  }
}

/**
 * How a payload value reads after "got": `'x'`, `42`, `a list`, `a mapping`.
 *
 * @since 0.1.0
 * @category utils
 */
export const describeValue = (value: unknown): string => {
  if (value === null) return "null"
  if (value === undefined) return "nothing"
  if (typeof value === "string") return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (typeof value === "bigint") return `${value}n`
  if (Array.isArray(value)) return "a list"
  if (value instanceof Date) return "a date"
  if (typeof value === "object") return "a mapping"
  return `a ${typeof value}`
}

/**
 * Fails with the usual mismatch message, keeping what was expected and the
 * input apart for callers that word their own.
 *
 * @since 0.1.0
 * @category utils
 */
export const mismatch = (what: string, got: unknown): never => fail(expected(what, got), { expected: what, input: got })

/**
 * The usual mismatch message.
 *
 * @since 0.1.0
 * @category utils
 */
export const expected = (what: string, got: unknown): string => `expected ${what}, got ${describeValue(got)}`

/**
 * Sets a key on an output object; `__proto__` becomes an own key (a
 * payload's `__proto__` is data, never the prototype).
 *
 * @since 0.1.0
 * @category utils
 */
export const setKey = (out: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

/**
 * A payload object's own value at `key` (not one inherited from `Object.prototype`, such as `constructor`).
 *
 * @since 0.1.0
 * @category utils
 */
export const ownValue = (payload: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(payload, key) ? payload[key] : undefined

/**
 * Whether reading `key` from a plain object could find an inherited value.
 *
 * @since 0.1.0
 * @category utils
 */
export const isInheritedName = (key: string): boolean => key in Object.prototype

/**
 * A plain JSON object (not an array, null, a Date or a class instance).
 *
 * @since 0.1.0
 * @category utils
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
