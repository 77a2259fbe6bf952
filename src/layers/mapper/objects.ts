/**
 * Structs and classes as JSON objects, with databind's field settings:
 * `Alias` (first name written, any accepted; the plain name is not
 * accepted once aliased), `Flattened` (a nested struct's keys live in the
 * parent), `Remainder` (one record field takes the keys nobody claims),
 * `ExtraKeys` (unknown keys are an error unless allowed or recorded),
 * `Required`, `SerializeDefaults(false)` (fields equal to their default are
 * left out) and `DeserializeAs`. Records (`Schema.Record`) are objects of
 * one value type; a struct with rest keeps unknown keys of its rest type.
 *
 * @since 0.1.0
 */
import { SchemaAST } from "effect"
import type { Compiler, Converter, FailureProblem, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import { isRecord, mismatch, setKey } from "./describe.ts"
import { expand, fieldsOfStruct, lookupOf, structOf } from "./fields.ts"
import { recordPlan, restOf } from "./records.ts"
import { isObject, structCodec } from "./structs.ts"
import { problemOr } from "./trace.ts"

const sorted = (keys: ReadonlyArray<string>) => keys.toSorted().map((key) => `'${key}'`).join(", ")

/**
 * The plan of a struct or class (`ast` is the class declaration or the struct).
 *
 * @since 0.1.0
 * @category converters
 */
export const structPlan = (ast: SchemaAST.AST, struct: SchemaAST.Objects, compiler: Compiler): Plan => {
  const codec = structCodec(ast, struct, compiler)
  const expanded = expand(struct, lookupOf(compiler))
  const known = expanded.map((field) => field.aliases[0]).join(", ")
  const remainderField = fieldsOfStruct(struct, lookupOf(compiler)).filter((field) => field.remainder)
  if (remainderField.length > 1) {
    fail(`the schema cannot be mapped: it has more than one remainder field (${remainderField.map((field) => field.name).join(", ")})`)
  }
  const remainder = remainderField[0]
  if (remainder?.flattened === true) fail(`the schema cannot be mapped: field '${remainder.name}' cannot be both flattened and the remainder`)
  const rest = remainder !== undefined ? compiler.plan(remainder.datatype) : struct.indexSignatures.length > 0 ? recordPlan(struct, compiler) : undefined
  const extraKeys = compiler.setting("ExtraKeys", ast)
  const label = codec.label
  const attach = (fields: Record<string, unknown>, extra: Record<string, unknown>) => {
    if (remainder !== undefined) fields[remainder.name] = rest!.decode(extra)
    else Object.assign(fields, rest!.decode(extra))
  }
  return {
    label,
    decode: (payload) => {
      if (!isRecord(payload)) return mismatch("a mapping", payload)
      const used: Array<string> = []
      const problems = compiler.collectAll ? [] as Array<FailureProblem> : undefined
      const fields = codec.read(payload, used, problems)
      const keys = Object.keys(payload)
      if (keys.length === used.length && remainder !== undefined) attach(fields, {})
      else if (keys.length !== used.length) {
        const extras = keys.filter((key) => !used.includes(key) && payload[key] !== undefined)
        if (rest !== undefined && (extras.length > 0 || remainder !== undefined)) {
          const extra: Record<string, unknown> = {}
          for (const key of extras) setKey(extra, key, payload[key])
          try {
            attach(fields, extra)
          } catch (error) {
            problemOr(problems, error, remainder?.name, rest.label)
          }
        } else if (extras.length > 0 && extraKeys?.allow === true) {
          extraKeys.recorder?.(extras.toSorted(), label)
        } else if (extras.length > 0) {
          const found = extras.map((key): FailureProblem => ({
            steps: [{ key, label: "unknown" }],
            message: `unknown key '${key}' (expected one of: ${known === "" ? "nothing" : known})`,
            kind: "unknown-key"
          }))
          if (problems === undefined) throw new MappingFailure(found.slice(0, 1))
          problems.push(...found)
        }
      }
      if (problems !== undefined && problems.length > 0) throw new MappingFailure(problems)
      return codec.construct(fields)
    },
    encode: (value) => {
      const out: Record<string, unknown> = {}
      codec.write(value, out)
      if (remainder !== undefined || (rest !== undefined && isObject(value))) {
        const extra = remainder === undefined ? restOf(value as Record<string, unknown>, struct) : (value as Record<string, unknown>)[remainder.name]
        if (extra !== undefined) {
          const encoded = rest!.encode(extra) as Record<string, unknown>
          const clash = Object.keys(encoded).filter((key) => Object.hasOwn(out, key))
          if (clash.length > 0) return fail(`keys of the remainder collide with other fields: ${sorted(clash)}`)
          Object.assign(out, encoded)
        }
      }
      return out
    }
  }
}

/**
 * @since 0.1.0
 * @category converters
 */
export const objects: Converter = {
  name: "objects",
  compile: (ast, compiler) => {
    const struct = structOf(ast)
    if (struct !== undefined) return structPlan(ast, struct, compiler)
    if (SchemaAST.isObjects(ast) && ast.indexSignatures.length > 0) return recordPlan(ast, compiler)
    return undefined
  }
}
