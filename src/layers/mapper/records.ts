/**
 * Records (`Schema.Record`): JSON objects of one key type and one value
 * type; also the unknown keys of a struct with rest.
 *
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import type { Compiler, FailureProblem, Plan } from "../../services/MapperModule.ts"
import { MappingFailure } from "../../services/MapperModule.ts"
import { isRecord, mismatch, setKey } from "./describe.ts"
import { asFailure, problemOr } from "./trace.ts"

/**
 * The keys of `value` that are not the struct's own properties.
 *
 * @since 0.1.0
 * @category utils
 */
export const restOf = (value: Record<string, unknown>, struct: SchemaAST.Objects): Record<string, unknown> => {
  const own = new Set(struct.propertySignatures.map((property) => String(property.name)))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) if (!own.has(key)) setKey(out, key, value[key])
  return out
}

/**
 * `Record<K, V>`: every key through the key type, every value through the value type.
 *
 * @since 0.1.0
 * @category converters
 */
export const recordPlan = (ast: SchemaAST.Objects, compiler: Compiler): Plan => {
  const signature = ast.indexSignatures[0]!
  const key = compiler.plan(signature.parameter)
  const value = compiler.plan(signature.type)
  const label = compiler.label(ast)
  const each = (input: unknown, direction: "decode" | "encode") => {
    if (!isRecord(input)) return mismatch("a mapping", input)
    const out: Record<string, unknown> = {}
    const problems = compiler.collectAll ? [] as Array<FailureProblem> : undefined
    for (const name of Object.keys(input)) {
      let converted: string
      try {
        converted = key[direction](name) as string
      } catch (error) {
        // A bad key is reported at the key itself (databind's `Key('k')` step).
        const failure = asFailure(error)
        for (const problem of failure.problems) Object.assign(problem, { kind: "unknown-key" })
        problemOr(problems, failure, name, `key (${key.label})`)
        continue
      }
      try {
        setKey(out, converted, value[direction](input[name]))
      } catch (error) {
        problemOr(problems, error, name, value.label)
      }
    }
    if (problems !== undefined && problems.length > 0) throw new MappingFailure(problems)
    return out
  }
  return { label, decode: (payload) => each(payload, "decode"), encode: (record) => each(record, "encode") }
}

