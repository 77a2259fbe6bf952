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
import { Equal, Schema, SchemaAST } from "effect"
import type { Compiler, Converter, FailureProblem, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import { isRecord, mismatch } from "./describe.ts"
import type { Field } from "./fields.ts"
import { expand, fieldsOfStruct, lookupOf, structOf } from "./fields.ts"
import { gather, rethrowAt } from "./trace.ts"

interface CompiledField {
  readonly field: Field
  readonly plan: Plan
  readonly names: ReadonlyArray<string>
  readonly written: string
  readonly omitDefaults: boolean
  /** Set for a flattened field: its struct's codec reading from the parent's payload. */
  readonly flat: StructCodec | undefined
}

interface StructCodec {
  readonly label: string
  /** Reads this struct's fields from `payload`, noting the keys it used. */
  readonly read: (payload: Record<string, unknown>, used: Array<string>, problems: Array<FailureProblem> | undefined) => unknown
  readonly write: (value: unknown, out: Record<string, unknown>) => void
}

const problemOr = (problems: Array<FailureProblem> | undefined, error: unknown, key: string | undefined, label: string) => {
  if (problems === undefined) rethrowAt(error, key, label)
  else gather(problems, error, key, label)
}

/** How a class builds its instance from decoded fields (without checking them again). */
const constructorOf = (ast: SchemaAST.AST): ((fields: Record<string, unknown>) => unknown) | undefined => {
  if (!SchemaAST.isDeclaration(ast)) return undefined
  const decode = ast.encoding?.[0]?.transformation.decode as { readonly _tag?: string; readonly transform?: (input: unknown) => unknown } | undefined
  if (decode?._tag === "Transform" && decode.transform !== undefined) return decode.transform
  const fallback = Schema.decodeUnknownSync(Schema.make<Schema.Codec<unknown, unknown>>(ast))
  return (fields) => fallback(fields)
}

const structCodec = (ast: SchemaAST.AST, struct: SchemaAST.Objects, compiler: Compiler): StructCodec => {
  const label = compiler.label(ast)
  const construct = constructorOf(ast)
  const isInstance = construct === undefined ? isObject : Schema.is(Schema.make(ast))
  const entries: Array<CompiledField> = fieldsOfStruct(struct, lookupOf(compiler)).filter((field) => !field.remainder).map((field) => ({
    field,
    plan: compiler.plan(field.datatype),
    names: field.aliases,
    written: field.aliases[0],
    omitDefaults: compiler.setting("SerializeDefaults", field.ast)?.enabled === false,
    flat: field.flattened ? flatCodec(field, compiler) : undefined
  }))
  const readField = (entry: CompiledField, payload: Record<string, unknown>, used: Array<string>, out: Record<string, unknown>) => {
    if (entry.flat !== undefined) {
      out[entry.field.name] = entry.flat.read(payload, used, undefined)
      return
    }
    let value: unknown
    let key: string | undefined
    for (const name of entry.names) {
      value = payload[name]
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
      if (entry.field.default !== undefined) out[entry.field.name] = entry.field.default()
      return
    }
    used.push(key)
    try {
      out[entry.field.name] = entry.plan.decode(value)
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
      return construct === undefined ? out : construct(out)
    },
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
          out[entry.written] = entry.plan.encode(item)
        } catch (error) {
          rethrowAt(error, entry.field.name, entry.plan.label)
        }
      }
    }
  }
}

const isObject = (value: unknown) => typeof value === "object" && value !== null

const flatCodec = (field: Field, compiler: Compiler): StructCodec => {
  const struct = structOf(field.datatype)
  if (struct === undefined) return fail(`the schema cannot be mapped: field '${field.name}' is flattened but is not a struct or class`)
  return structCodec(field.datatype, struct, compiler)
}

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
  const rest = remainder !== undefined ? compiler.plan(remainder.datatype) : struct.indexSignatures.length > 0 ? recordPlan(struct, compiler) : undefined
  const extraKeys = compiler.setting("ExtraKeys", ast)
  const label = codec.label
  const attach = (value: unknown, extra: Record<string, unknown>) => {
    if (remainder !== undefined) (value as Record<string, unknown>)[remainder.name] = rest!.decode(extra)
    else Object.assign(value as object, rest!.decode(extra))
  }
  return {
    label,
    decode: (payload) => {
      if (!isRecord(payload)) return mismatch("a mapping", payload)
      const used: Array<string> = []
      const problems = compiler.collectAll ? [] as Array<FailureProblem> : undefined
      const value = codec.read(payload, used, problems)
      const keys = Object.keys(payload)
      if (keys.length === used.length && remainder !== undefined) attach(value, {})
      else if (keys.length !== used.length) {
        const extras = keys.filter((key) => !used.includes(key) && payload[key] !== undefined)
        if (rest !== undefined && (extras.length > 0 || remainder !== undefined)) {
          const extra: Record<string, unknown> = {}
          for (const key of extras) extra[key] = payload[key]
          if (remainder === undefined && construct(ast)) {
            return fail(`a class cannot keep unknown keys ${sorted(extras)}`)
          }
          try {
            attach(value, extra)
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
      return value
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

const construct = (ast: SchemaAST.AST) => SchemaAST.isDeclaration(ast)

const restOf = (value: Record<string, unknown>, struct: SchemaAST.Objects): Record<string, unknown> => {
  const own = new Set(struct.propertySignatures.map((property) => String(property.name)))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) if (!own.has(key)) out[key] = value[key]
  return out
}

/** `Record<K, V>`: every key through the key type, every value through the value type. */
const recordPlan = (ast: SchemaAST.Objects, compiler: Compiler): Plan => {
  const signature = ast.indexSignatures[0]!
  const key = compiler.plan(signature.parameter)
  const value = compiler.plan(signature.type)
  const label = compiler.label(ast)
  const each = (input: unknown, direction: "decode" | "encode") => {
    if (!isRecord(input)) return mismatch("a mapping", input)
    const out: Record<string, unknown> = {}
    const problems = compiler.collectAll ? [] as Array<FailureProblem> : undefined
    for (const name of Object.keys(input)) {
      try {
        out[key[direction](name) as string] = value[direction](input[name])
      } catch (error) {
        problemOr(problems, error, name, value.label)
      }
    }
    if (problems !== undefined && problems.length > 0) throw new MappingFailure(problems)
    return out
  }
  return { label, decode: (payload) => each(payload, "decode"), encode: (record) => each(record, "encode") }
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
