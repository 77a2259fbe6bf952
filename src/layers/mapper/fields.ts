/**
 * Schema introspection: the fields of a struct or class schema as the
 * mapper sees them (name, datatype, required, default, aliases, flattened,
 * remainder), and the expanded list where flattened structs' fields take
 * their parent's place.
 *
 * A field is required unless it is optional (`Schema.optional`,
 * `optionalKey`), has a default, is an `Option` (default none) or accepts `null` (databind's
 * `Optional[X]`, whose default is `None`); `Required()` forces it.
 *
 * @since 0.1.0
 */
import { Option, Result, Schema, SchemaAST } from "effect"
import type { Compiler } from "../../services/MapperModule.ts"
import { fail } from "../../services/MapperModule.ts"
import { settingsOf } from "../../services/MapperSettings.ts"
import type { Setting, SettingTag } from "../../services/MapperSettings.ts"
import { representationId } from "./describe.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Field {
  readonly name: string
  /** The field's own AST (with its annotations). */
  readonly ast: SchemaAST.AST
  /** What it is loaded as (`DeserializeAs` applied). */
  readonly datatype: SchemaAST.AST
  readonly required: boolean
  /** A fresh default per call, when the field has one. */
  readonly default: (() => unknown) | undefined
  /** Names in payloads: the aliases, else the name. The first is written. */
  readonly aliases: readonly [string, ...Array<string>]
  readonly flattened: boolean
  readonly remainder: boolean
}

/**
 * A struct or class schema's own struct node, or `undefined`.
 *
 * @since 0.1.0
 * @category introspection
 */
export const structOf = (ast: SchemaAST.AST): SchemaAST.Objects | undefined => {
  if (SchemaAST.isObjects(ast)) return ast.propertySignatures.length > 0 || ast.indexSignatures.length === 0 ? ast : undefined
  if (SchemaAST.isDeclaration(ast) && ast.typeParameters.length === 1 && ast.annotations?.["~constructor"] !== undefined) {
    const inner = ast.typeParameters[0]!
    return SchemaAST.isObjects(inner) ? inner : undefined
  }
  return undefined
}

const isOption = (ast: SchemaAST.AST) => representationId(ast) === "effect/schema/Option"

const acceptsNull = (ast: SchemaAST.AST): boolean =>
  SchemaAST.isNull(ast) || (SchemaAST.isUnion(ast) && ast.types.some(acceptsNull))

/** A decoding default (`withDecodingDefault`) is found by decoding an empty object. */
const decodingDefault = (name: string, ast: SchemaAST.AST): (() => unknown) | undefined => {
  if (ast.encoding === undefined) return undefined
  const decode = Schema.decodeUnknownResult(Schema.make<Schema.Codec<unknown, unknown>>(new SchemaAST.Objects([new SchemaAST.PropertySignature(name, ast)], [])))
  // A default that is not a plain value (one needing services, say) counts as none.
  const run = (): Result.Result<unknown, unknown> => {
    try {
      return decode({})
    } catch (error) {
      return Result.fail(error)
    }
  }
  const probe = run()
  if (Result.isFailure(probe) || !Object.hasOwn(probe.success as object, name)) return undefined
  return () => (Result.getOrUndefined(run()) as Record<string, unknown> | undefined)?.[name]
}

/** Constructor defaults (a `TaggedStruct`'s tag) are for `make`; payloads must carry the value, as in Schema. */
const defaultOf = (name: string, ast: SchemaAST.AST): (() => unknown) | undefined =>
  decodingDefault(name, ast) ?? (acceptsNull(ast) ? () => null : isOption(ast) ? Option.none : undefined)

type Lookup = <T extends SettingTag>(tag: T, ast: SchemaAST.AST) => Extract<Setting, { _tag: T }> | undefined

/** Settings from the annotations only, for introspection without a mapper. */
const annotated: Lookup = (tag, ast) => settingsOf(ast).find((setting) => setting._tag === tag) as never

/**
 * The fields of a struct node, settings resolved by `lookup`.
 *
 * @since 0.1.0
 * @category introspection
 */
export const fieldsOfStruct = (struct: SchemaAST.Objects, lookup: Lookup = annotated): ReadonlyArray<Field> =>
  struct.propertySignatures.map((property): Field => {
    const name = String(property.name)
    const ast = property.type
    const optional = ast.context?.isOptional === true
    const made = defaultOf(name, ast)
    const as = lookup("DeserializeAs", ast)
    return {
      name,
      ast,
      datatype: as === undefined ? ast : as.schema.ast,
      required: lookup("Required", ast) !== undefined || (!optional && made === undefined),
      default: made,
      aliases: lookup("Alias", ast)?.names ?? [name],
      flattened: lookup("Flattened", ast) !== undefined,
      remainder: lookup("Remainder", ast) !== undefined
    }
  })

/**
 * A struct or class schema's fields (settings from its annotations).
 *
 * @since 0.1.0
 * @category introspection
 */
export const fields = (schema: Schema.Top): ReadonlyArray<Field> => {
  const struct = structOf(schema.ast)
  return struct === undefined ? [] : fieldsOfStruct(struct)
}

/**
 * The fields as they appear in a payload: each flattened field replaced by
 * its struct's (expanded) fields, remainder fields left out. A name claimed
 * twice is an error.
 *
 * @since 0.1.0
 * @category introspection
 */
export const expandedFields = (schema: Schema.Top): ReadonlyArray<Field> => expand(structOf(schema.ast), annotated)

/** @internal */
export const expand = (struct: SchemaAST.Objects | undefined, lookup: Lookup): ReadonlyArray<Field> => {
  if (struct === undefined) return []
  const out: Array<Field> = []
  const seen = new Set<string>()
  for (const field of fieldsOfStruct(struct, lookup)) {
    // A remainder field has no key of its own in payloads.
    if (field.remainder) continue
    const inner = field.flattened ? expand(structOf(field.datatype), lookup) : [field]
    for (const claimed of inner) {
      for (const alias of claimed.aliases) {
        if (seen.has(alias)) fail(`the schema cannot be mapped: field '${alias}' occurs more than once (after flattening)`)
        seen.add(alias)
      }
      out.push(claimed)
    }
  }
  return out
}

/**
 * Lookups through a compiler's settings.
 *
 * @since 0.1.0
 * @category introspection
 */
export const lookupOf = (compiler: Compiler): Lookup => compiler.setting
