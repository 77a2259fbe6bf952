/**
 * The field-by-field half of struct and class conversion: reading a
 * struct's fields (aliases, defaults, flattened sub-structs) from a
 * payload object and writing them into one (SerializeDefaults). Unknown
 * keys and remainders are the caller's (`objects.ts`).
 *
 * @since 0.1.0
 */
import { Equal, Schema, SchemaAST } from "effect"
import type { Compiler, FailureProblem, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import { isInheritedName, mismatch, ownValue, setKey } from "./describe.ts"
import type { Field } from "./fields.ts"
import { fieldsOfStruct, lookupOf, structOf } from "./fields.ts"
import { problemOr, rethrowAt } from "./trace.ts"

interface CompiledField {
  readonly field: Field
  readonly plan: Plan
  readonly names: ReadonlyArray<string>
  readonly written: string
  readonly omitDefaults: boolean
  /** A name such as `constructor` or `__proto__`: read only as an own key, written as data. */
  readonly inherited: boolean
  /** Set for a flattened field: its struct's codec reading from the parent's payload. */
  readonly flat: StructCodec | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StructCodec {
  readonly label: string
  /** Reads this struct's fields from `payload` into a fresh object, noting the keys it used. */
  readonly read: (
    payload: Record<string, unknown>,
    used: Array<string>,
    problems: Array<FailureProblem> | undefined
  ) => Record<string, unknown>
  /** The value from the fields read (a class instance for a class). */
  readonly construct: (fields: Record<string, unknown>) => unknown
  readonly write: (value: unknown, out: Record<string, unknown>) => void
}

/** How a class builds its instance from decoded fields (without checking them again). */
const constructorOf = (ast: SchemaAST.AST): ((fields: Record<string, unknown>) => unknown) | undefined => {
  if (!SchemaAST.isDeclaration(ast)) return undefined
  const decode = ast.encoding?.[0]?.transformation.decode as { readonly _tag?: string; readonly transform?: (input: unknown) => unknown } | undefined
  if (decode?._tag === "Transform" && decode.transform !== undefined) return decode.transform
  const fallback = Schema.decodeUnknownSync(Schema.make<Schema.Codec<unknown, unknown>>(ast))
  return (fields) => fallback(fields)
}

/** Anything with fields. */
export const isObject = (value: unknown) => typeof value === "object" && value !== null

const asIs = (fields: Record<string, unknown>): unknown => fields

/**
 * Reads and writes one struct's fields; `ast` is the class declaration or the struct.
 *
 * @since 0.1.0
 * @category converters
 */
export const structCodec = (ast: SchemaAST.AST, struct: SchemaAST.Objects, compiler: Compiler): StructCodec => {
  const label = compiler.label(ast)
  const construct = constructorOf(ast)
  const isInstance = construct === undefined ? isObject : Schema.is(Schema.make(ast))
  const entries: Array<CompiledField> = fieldsOfStruct(struct, lookupOf(compiler)).filter((field) => !field.remainder).map((field) => ({
    field,
    plan: compiler.plan(field.datatype),
    names: field.aliases,
    written: field.aliases[0],
    omitDefaults: compiler.setting("SerializeDefaults", field.ast)?.enabled === false,
    inherited: [field.name, ...field.aliases].some(isInheritedName),
    flat: field.flattened ? flatCodec(field, compiler) : undefined
  }))
  const readField = (entry: CompiledField, payload: Record<string, unknown>, used: Array<string>, out: Record<string, unknown>) => {
    if (entry.flat !== undefined) {
      out[entry.field.name] = entry.flat.construct(entry.flat.read(payload, used, undefined))
      return
    }
    let value: unknown
    let key: string | undefined
    for (const name of entry.names) {
      value = entry.inherited ? ownValue(payload, name) : payload[name]
      if (value !== undefined) {
        key = name
        break
      }
    }
    if (key === undefined) {
      if (entry.field.required) {
        const [first, ...more] = entry.names
        return fail(`missing required key '${first}'${more.map((name) => ` (or '${name}')`).join("")}`, { kind: "missing-key" })
      }
      if (entry.field.default !== undefined) setKey(out, entry.field.name, entry.field.default())
      return
    }
    used.push(key)
    try {
      const decoded = entry.plan.decode(value)
      if (entry.inherited) setKey(out, entry.field.name, decoded)
      else out[entry.field.name] = decoded
    } catch (error) {
      rethrowAt(error, key, entry.plan.label)
    }
  }
  return {
    label,
    read: (payload, used, problems) => {
      const out: Record<string, unknown> = {}
      for (const entry of entries) {
        try {
          readField(entry, payload, used, out)
        } catch (error) {
          // Already traced below this struct: add no step of our own.
          if (problems === undefined) throw error
          if (error instanceof MappingFailure) problems.push(...error.problems)
          else problemOr(problems, error, undefined, label)
        }
      }
      return out
    },
    construct: construct ?? asIs,
    write: (value, out) => {
      if (!isInstance(value)) return mismatch(`an instance of ${label}`, value)
      const record = value as Record<string, unknown>
      for (const entry of entries) {
        const item = record[entry.field.name]
        if (entry.flat !== undefined) {
          entry.flat.write(item, out)
          continue
        }
        if (item === undefined) continue
        if (entry.omitDefaults && entry.field.default !== undefined && Equal.equals(item, entry.field.default())) continue
        try {
          setKey(out, entry.written, entry.plan.encode(item))
        } catch (error) {
          rethrowAt(error, entry.field.name, entry.plan.label)
        }
      }
    }
  }
}

const flatCodec = (field: Field, compiler: Compiler): StructCodec => {
  const struct = structOf(field.datatype)
  if (struct === undefined) return fail(`the schema cannot be mapped: field '${field.name}' is flattened but is not a struct or class`)
  return structCodec(field.datatype, struct, compiler)
}

