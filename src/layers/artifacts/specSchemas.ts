/**
 * JSON Schemas of the specs a scope accepts, in Artisan's draft-07 shapes
 * (`get_spec_schema`, `get_spec_list_schema`, `get_spec_dict_schema`):
 * `$defs` has one entry per type, generated from its spec Schema by
 * Effect's `Schema.toJsonSchemaDocument` (draft 2020-12, then converted to
 * draft-07), and `oneOf` picks a type by its `type` constant. Named
 * sub-schemas (an `identifier` annotation) become `$defs` entries too, and
 * every type also gets Artisan's `__PathString::<Name>` entry. A field typed
 * `ArtifactRefSchema` carries that entry's pattern itself (`{"type":
 * "string", "pattern": "^@\\/.*"}`): a ref names no particular type to point at.
 *
 * Differences from Artisan: defaults are not listed (Effect's generator
 * does not emit them), and field descriptions come from Schema
 * `description` annotations instead of string literals after attributes.
 *
 * @since 0.1.0
 */
import { JsonSchema, Schema } from "effect"
import type { AnyArtifactType } from "../../services/Artifacts.ts"

const DRAFT_07 = "http://json-schema.org/draft-07/schema#"

type Json = Record<string, unknown>

/** Rewrites draft-07 `#/definitions/X` references as Artisan's `#/$defs/X`. */
const toDefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(toDefs)
  if (typeof value !== "object" || value === null) return value
  const out: Json = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === "$ref" && typeof item === "string" ? item.replace(/^#\/definitions\//, "#/$defs/") : toDefs(item)
  }
  return out
}

const definitions = (scope: ReadonlyMap<string, AnyArtifactType>): Json => {
  const defs: Json = {}
  for (const [name, type] of scope) {
    const document = JsonSchema.toDocumentDraft07(Schema.toJsonSchemaDocument(type.spec))
    for (const [key, definition] of Object.entries(document.definitions)) defs[key] = toDefs(definition)
    const schema = toDefs(document.schema) as Json
    defs[name] = type.description === undefined ? schema : { ...schema, description: type.description }
    defs[`__PathString::${name}`] = { type: "string", pattern: "^@\\/.*" }
  }
  return defs
}

const choices = (scope: ReadonlyMap<string, AnyArtifactType>) =>
  [...scope.keys()].map((name) => ({
    allOf: [{ required: ["type"] }, { properties: { type: { const: name } } }, { $ref: `#/$defs/${name}` }]
  }))

/**
 * The schema of one spec.
 *
 * @since 0.1.0
 * @category schemas
 */
export const specSchema = (scope: ReadonlyMap<string, AnyArtifactType>): Json => ({
  $schema: DRAFT_07,
  $defs: definitions(scope),
  oneOf: choices(scope)
})

/**
 * The schema of a list of specs.
 *
 * @since 0.1.0
 * @category schemas
 */
export const specListSchema = (scope: ReadonlyMap<string, AnyArtifactType>): Json => ({
  $schema: DRAFT_07,
  $defs: definitions(scope),
  type: "array",
  items: { oneOf: choices(scope) }
})

/**
 * The schema of a map of names to specs (a `$schema` key is allowed).
 *
 * @since 0.1.0
 * @category schemas
 */
export const specDictSchema = (scope: ReadonlyMap<string, AnyArtifactType>): Json => ({
  $schema: DRAFT_07,
  $defs: definitions(scope),
  type: "object",
  properties: { $schema: { type: "string" } },
  additionalProperties: { oneOf: choices(scope) }
})
