/**
 * Declared Effect types that wrap or stand for a plain value: `Option`
 * (`null` when empty), `Redacted` (the secret's payload; failures never
 * show it) and `BigDecimal` (a decimal string, rounded to `Precision` when
 * one applies; non-strict input also takes numbers).
 *
 * @since 0.1.0
 */
import { BigDecimal, Option, Redacted } from "effect"
import type { Converter, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import { mismatch, representationId } from "./describe.ts"
import { rethrowAt } from "./trace.ts"

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/

/** Digits as stored, so `1.10` stays `1.10` (as Python's `str(Decimal)`); no exponent form. */
const plainDecimal = (value: BigDecimal.BigDecimal): string => {
  if (value.scale <= 0) return (value.value * 10n ** BigInt(-value.scale)).toString()
  const digits = (value.value < 0n ? -value.value : value.value).toString().padStart(value.scale + 1, "0")
  return `${value.value < 0n ? "-" : ""}${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`
}

const decimalPlan = (strict: boolean, scale: number | undefined): Plan => {
  const round = scale === undefined ? (value: BigDecimal.BigDecimal) => value : (value: BigDecimal.BigDecimal) =>
    BigDecimal.round(value, { scale, mode: "half-from-zero" })
  return {
    label: "BigDecimal",
    decode: (payload) => {
      const text = typeof payload === "string" ? payload.trim() : !strict && typeof payload === "number" && Number.isFinite(payload) ? String(payload) : undefined
      const parsed = text !== undefined && DECIMAL.test(text) ? BigDecimal.fromString(text) : Option.none()
      return Option.isSome(parsed) ? round(parsed.value) : mismatch("a decimal number as a string (such as \"1.10\")", payload)
    },
    encode: (value) => BigDecimal.isBigDecimal(value) ? plainDecimal(round(value)) : mismatch("a BigDecimal", value)
  }
}

/** A failure inside a secret says what was expected, never what was there. */
const hideInput = (error: unknown, label: string): never => {
  if (error instanceof MappingFailure) {
    throw new MappingFailure(error.problems.map((problem) => ({ steps: problem.steps, message: `expected ${label} (the value is not shown)` })))
  }
  throw error
}

/**
 * @since 0.1.0
 * @category converters
 */
export const wrappers: Converter = {
  name: "wrappers",
  compile: (ast, compiler): Plan | undefined => {
    if (ast._tag !== "Declaration") return undefined
    switch (representationId(ast)) {
      case "effect/schema/BigDecimal":
        return decimalPlan(compiler.setting("Strict", ast)?.enabled ?? true, compiler.setting("Precision", ast)?.scale)
      case "effect/schema/Option": {
        const inner = compiler.plan(ast.typeParameters[0]!)
        const label = compiler.label(ast)
        return {
          label,
          decode: (payload) => {
            if (payload === null || payload === undefined) return Option.none()
            try {
              return Option.some(inner.decode(payload))
            } catch (error) {
              return rethrowAt(error, undefined, inner.label)
            }
          },
          encode: (value) =>
            Option.isOption(value)
              ? Option.isNone(value) ? null : inner.encode(value.value)
              : mismatch("an Option", value)
        }
      }
      case "effect/schema/Redacted": {
        const inner = compiler.plan(ast.typeParameters[0]!)
        const label = compiler.label(ast)
        return {
          label,
          decode: (payload) => {
            try {
              return Redacted.make(inner.decode(payload))
            } catch (error) {
              return hideInput(error, inner.label)
            }
          },
          encode: (value) => {
            if (!Redacted.isRedacted(value)) return fail(`expected a Redacted value (the value is not shown)`)
            try {
              return inner.encode(Redacted.value(value))
            } catch (error) {
              return hideInput(error, inner.label)
            }
          }
        }
      }
      default:
        return undefined
    }
  }
}
