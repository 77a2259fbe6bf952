/**
 * A plugin's catalog, derived from its operations' schemas: the JSON Schema
 * (draft 2020-12) of each input and output (what `Schema.toCodecJson`
 * accepts and produces) and the parameters, one per top-level input field.
 * The shape and key casing are those of Gestalt's `catalog.yaml`
 * (camelCase; schemas as objects); the wire form (schemas as JSON text) is
 * made by protocol/codecs/catalog.ts.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { Operation, Plugin } from "./Plugin.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface CatalogParameter {
  readonly name: string
  readonly type: string
  readonly description?: string
  readonly required?: true
  readonly default?: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CatalogOperation {
  readonly id: string
  readonly method: string
  readonly title?: string
  readonly description?: string
  readonly inputSchema?: Readonly<Record<string, unknown>>
  readonly outputSchema?: Readonly<Record<string, unknown>>
  readonly parameters?: ReadonlyArray<CatalogParameter>
  readonly tags?: ReadonlyArray<string>
  readonly readOnly?: boolean
  readonly visible?: boolean
  readonly allowedRoles?: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Catalog {
  readonly name: string
  readonly displayName?: string
  readonly description?: string
  readonly iconSvg?: string
  readonly operations: ReadonlyArray<CatalogOperation>
}

type JsonSchema = Readonly<Record<string, unknown>>

/**
 * The JSON Schema of a schema's JSON form, with its definitions inline as
 * `$defs`.
 *
 * @since 0.1.0
 * @category catalog
 */
export const jsonSchemaOf = (schema: Schema.Top): JsonSchema => {
  const document = Schema.toJsonSchemaDocument(schema)
  return Object.keys(document.definitions).length === 0
    ? document.schema as JsonSchema
    : { ...document.schema, $defs: document.definitions }
}

/** The JSON type of a property schema; `anyOf [T, null]` (optional fields) is T. */
const typeOf = (schema: JsonSchema): string => {
  if (typeof schema["type"] === "string") return schema["type"]
  const alternatives = schema["anyOf"] ?? schema["oneOf"]
  if (Array.isArray(alternatives)) {
    const types = alternatives.map((alternative: JsonSchema) => typeOf(alternative)).filter((type) => type !== "null")
    if (types.length > 0 && types.every((type) => type === types[0])) return types[0]!
  }
  if (Array.isArray(schema["enum"]) && schema["enum"].every((value) => typeof value === "string")) return "string"
  return "object"
}

/**
 * One parameter per top-level property of an object input schema.
 *
 * @since 0.1.0
 * @category catalog
 */
export const parametersOf = (inputSchema: JsonSchema): ReadonlyArray<CatalogParameter> => {
  const properties = inputSchema["properties"]
  if (typeof properties !== "object" || properties === null) return []
  const required = new Set(Array.isArray(inputSchema["required"]) ? inputSchema["required"] as Array<string> : [])
  return Object.entries(properties as Record<string, JsonSchema>).map(([name, property]) => ({
    name,
    type: typeOf(property),
    ...(typeof property["description"] === "string" ? { description: property["description"] } : {}),
    ...(required.has(name) ? { required: true as const } : {}),
    ...("default" in property ? { default: property["default"] } : {})
  }))
}

const operationOf = (op: Operation<never>): CatalogOperation => {
  const inputSchema = jsonSchemaOf(op.input)
  const parameters = parametersOf(inputSchema)
  return {
    id: op.id,
    method: op.method,
    ...(op.title === "" ? {} : { title: op.title }),
    ...(op.description === "" ? {} : { description: op.description }),
    inputSchema,
    outputSchema: jsonSchemaOf(op.output),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(op.tags.length === 0 ? {} : { tags: op.tags }),
    ...(op.readOnly === undefined ? {} : { readOnly: op.readOnly }),
    ...(op.visible === undefined ? {} : { visible: op.visible }),
    ...(op.allowedRoles.length === 0 ? {} : { allowedRoles: op.allowedRoles })
  }
}

/**
 * The static catalog of a plugin; its name is the plugin's.
 *
 * @since 0.1.0
 * @category catalog
 */
export const catalogOf = <R>(plugin: Plugin<R>): Catalog => ({
  name: plugin.name,
  ...(plugin.displayName === plugin.name ? {} : { displayName: plugin.displayName }),
  ...(plugin.description === "" ? {} : { description: plugin.description }),
  ...(plugin.iconSvg === "" ? {} : { iconSvg: plugin.iconSvg }),
  operations: plugin.operations.map((op) => operationOf(op as Operation<never>))
})
