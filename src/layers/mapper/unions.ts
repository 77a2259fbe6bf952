/**
 * Unions. With a `Union` setting, members have ids and one of databind's
 * shapes (discriminator key `K`, default `type`):
 *
 * - `nested`: `{K: id, <nesting key or id>: payload}`
 * - `flat`: the member's object with `K: id` added last
 * - `keyed`: `{id: payload}`, exactly one key
 * - `best_match`: the member's payload; members are tried in order
 *
 * Member ids come from the setting's `members` (a record or a registry),
 * else from the union's own members (identifier, else position). Unlike
 * databind, `nested` writes under the nesting key too (databind ignores it
 * on output, so its output cannot be read back).
 *
 * Without a setting: `null`/`undefined` members make the rest nullable, a
 * union of literals is one literal check, and anything else is best-match.
 *
 * @since 0.1.0
 */
import { Schema, SchemaAST } from "effect"
import type { Compiler, Converter, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import type { Union } from "../../services/MapperSettings.ts"
import { UnionRegistry } from "../../services/MapperSettings.ts"
import { describeValue, isRecord, mismatch } from "./describe.ts"
import { fieldsOfStruct, lookupOf, structOf } from "./fields.ts"
import { asFailure, rethrowAt } from "./trace.ts"

interface Member {
  readonly id: string
  readonly plan: Plan
  readonly is: (value: unknown) => boolean
  /** Required literal fields (`_tag: "Circle"`): payload key, value key, literal. */
  readonly tags: ReadonlyArray<readonly [string, string, unknown]>
}

const idOf = (ast: SchemaAST.AST, index: number): string => {
  const named = ast.annotations?.["identifier"] ?? ast.annotations?.["title"]
  return typeof named === "string" ? named : String(index)
}

const tagsOf = (ast: SchemaAST.AST, compiler: Compiler): Member["tags"] => {
  const struct = structOf(ast)
  if (struct === undefined) return []
  return fieldsOfStruct(struct, lookupOf(compiler))
    .filter((field) => field.required && !field.flattened && SchemaAST.isLiteral(field.datatype))
    .map((field) => [field.aliases[0], field.name, (field.datatype as SchemaAST.Literal).literal] as const)
}

const member = (id: string, ast: SchemaAST.AST, compiler: Compiler): Member => ({
  id,
  plan: compiler.plan(ast),
  is: Schema.is(Schema.make(ast)),
  tags: tagsOf(ast, compiler)
})

/**
 * The members whose literal fields match (all of them when none does), so
 * tagged unions cost one member, not one failed attempt per member before it.
 */
const candidates = (members: ReadonlyArray<Member>, input: unknown, side: 0 | 1): ReadonlyArray<Member> => {
  if (typeof input !== "object" || input === null) return members
  const record = input as Record<string, unknown>
  const out = members.filter((candidate) =>
    candidate.tags.length === 0 || candidate.tags.every((tag) => record[tag[side]] === tag[2])
  )
  return out.length === 0 ? members : out
}

/** The members, recompiled when a registry gains one. */
const membersOf = (ast: SchemaAST.AST, setting: Union | undefined, compiler: Compiler): () => ReadonlyArray<Member> => {
  const source = setting?.members
  if (source instanceof UnionRegistry) {
    let version = -1
    let members: ReadonlyArray<Member> = []
    return () => {
      if (version !== source.version) {
        members = source.entries().map(([id, schema]) => member(id, schema.ast, compiler))
        version = source.version
      }
      return members
    }
  }
  const members = source !== undefined
    ? Object.entries(source).map(([id, schema]) => member(id, schema.ast, compiler))
    : SchemaAST.isUnion(ast)
    ? ast.types.map((type, index) => member(idOf(type, index), type, compiler))
    : []
  return () => members
}

const inside = (candidate: Member, payload: unknown, step: string | undefined) => {
  try {
    return candidate.plan.decode(payload)
  } catch (error) {
    return rethrowAt(error, step, candidate.plan.label)
  }
}

const bestMatch = (label: string, members: () => ReadonlyArray<Member>): Plan => ({
  label,
  decode: (payload) => {
    const messages: Array<string> = []
    const found = candidates(members(), payload, 0)
    if (found.length === 1 && found[0]!.tags.length > 0) return inside(found[0]!, payload, undefined)
    for (const candidate of found) {
      try {
        return candidate.plan.decode(payload)
      } catch (error) {
        messages.push(`${candidate.plan.label}: ${asFailure(error).problems[0]?.message ?? "does not match"}`)
      }
    }
    return fail(`${describeValue(payload)} matches no member of the union (${messages.join("; ")})`)
  },
  encode: (value) => {
    const found = candidates(members(), value, 1)
    if (found.length === 1 && found[0]!.tags.length > 0) return found[0]!.plan.encode(value)
    for (const candidate of found) if (candidate.is(value)) return candidate.plan.encode(value)
    return fail(`${describeValue(value)} is not a member of ${label}`)
  }
})

const byValue = (members: ReadonlyArray<Member>, value: unknown, label: string): Member =>
  members.find((candidate) => candidate.is(value)) ?? fail(`${describeValue(value)} is not a member of ${label}`)

const styled = (label: string, setting: Union, members: () => ReadonlyArray<Member>): Plan => {
  const key = setting.discriminatorKey
  const find = (id: unknown): Member => {
    if (typeof id !== "string") return mismatch("a string", id)
    const found = members().find((candidate) => candidate.id === id)
    return found ?? fail(`'${id}' is not a member id of ${label} (known ids: ${members().map((m) => m.id).join(", ")})`)
  }
  const discriminated = (payload: Record<string, unknown>): Member => {
    if (!(key in payload)) return fail(`missing discriminator key '${key}'`)
    try {
      return find(payload[key])
    } catch (error) {
      return rethrowAt(error, key, "string")
    }
  }
  switch (setting.style) {
    case "best_match":
      return bestMatch(label, members)
    case "keyed":
      return {
        label,
        decode: (payload) => {
          if (!isRecord(payload)) return mismatch("a mapping", payload)
          const keys = Object.keys(payload)
          if (keys.length !== 1) return fail(`expected exactly one key naming the member, got ${keys.length} key(s)`)
          return inside(find(keys[0]), payload[keys[0]!], keys[0])
        },
        encode: (value) => {
          const chosen = byValue(members(), value, label)
          return { [chosen.id]: chosen.plan.encode(value) }
        }
      }
    case "flat":
      return {
        label,
        decode: (payload) => {
          if (!isRecord(payload)) return mismatch("a mapping", payload)
          const chosen = discriminated(payload)
          const { [key]: _, ...rest } = payload
          return inside(chosen, rest, undefined)
        },
        encode: (value) => {
          const chosen = byValue(members(), value, label)
          const encoded = chosen.plan.encode(value)
          if (!isRecord(encoded)) return fail(`the flat union style needs members written as mappings; ${chosen.id} is not`)
          return { ...encoded, [key]: chosen.id }
        }
      }
    case "nested":
      return {
        label,
        decode: (payload) => {
          if (!isRecord(payload)) return mismatch("a mapping", payload)
          const chosen = discriminated(payload)
          const nest = setting.nestingKey ?? chosen.id
          if (!(nest in payload)) return fail(`missing nesting key '${nest}'`)
          return inside(chosen, payload[nest], nest)
        },
        encode: (value) => {
          const chosen = byValue(members(), value, label)
          return { [key]: chosen.id, [setting.nestingKey ?? chosen.id]: chosen.plan.encode(value) }
        }
      }
  }
}

const isEmpty = (ast: SchemaAST.AST) => SchemaAST.isNull(ast) || SchemaAST.isUndefined(ast) || SchemaAST.isVoid(ast)

/** `X | null | undefined`: empties pass through, the rest is converted as X. */
const nullable = (label: string, ast: SchemaAST.Union, compiler: Compiler): Plan => {
  const rest = ast.types.filter((type) => !isEmpty(type))
  const inner = rest.length === 1 ? compiler.plan(rest[0]!) : compiler.plan(new SchemaAST.Union(rest, ast.options))
  const allowsNull = ast.types.some(SchemaAST.isNull)
  const allowsUndefined = ast.types.some((type) => SchemaAST.isUndefined(type) || SchemaAST.isVoid(type))
  const pass = (value: unknown, convert: (value: unknown) => unknown) => {
    if (value === null && allowsNull) return null
    if (value === undefined && allowsUndefined) return undefined
    if (value === null && allowsUndefined) return undefined
    try {
      return convert(value)
    } catch (error) {
      const problem = error instanceof MappingFailure && error.problems.length === 1 ? error.problems[0]! : undefined
      if (allowsNull && problem?.expected !== undefined && problem.steps.length === 0) return mismatch(`null or ${problem.expected}`, value)
      throw error
    }
  }
  return { label, decode: (payload) => pass(payload, inner.decode), encode: (value) => pass(value, inner.encode) }
}

const literals = (label: string, ast: SchemaAST.Union<SchemaAST.Literal>): Plan => {
  const allowed = new Set<unknown>(ast.types.map((type) => type.literal))
  const names = ast.types.map((type) => typeof type.literal === "string" ? `'${type.literal}'` : String(type.literal)).join(", ")
  const check = (value: unknown) => allowed.has(value) ? value : mismatch(`one of ${names}`, value)
  return { label, decode: check, encode: check }
}

/**
 * @since 0.1.0
 * @category converters
 */
export const unions: Converter = {
  name: "unions",
  compile: (ast, compiler) => {
    const setting = compiler.setting("Union", ast)
    const label = compiler.label(ast)
    if (setting !== undefined && (setting.members !== undefined || SchemaAST.isUnion(ast))) {
      return styled(label, setting, membersOf(ast, setting, compiler))
    }
    if (!SchemaAST.isUnion(ast)) return undefined
    if (ast.types.some(isEmpty) && ast.types.some((type) => !isEmpty(type))) return nullable(label, ast, compiler)
    if (ast.types.every(SchemaAST.isLiteral)) return literals(label, ast as SchemaAST.Union<SchemaAST.Literal>)
    return bestMatch(label, membersOf(ast, undefined, compiler))
  }
}
