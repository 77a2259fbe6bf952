/**
 * Between a plugin's catalog (services/PluginCatalog.ts, the `catalog.yaml`
 * shape) and the wire `Catalog`: on the wire the input and output schemas
 * are JSON text and a parameter default is a `google.protobuf.Value`.
 *
 * @since 0.1.0
 */
import { fromJson, toJson } from "@bufbuild/protobuf"
import type { JsonValue, MessageInitShape } from "@bufbuild/protobuf"
import { ValueSchema } from "@bufbuild/protobuf/wkt"
import type { Catalog, CatalogOperation, CatalogParameter } from "../../services/PluginCatalog.ts"
import type { Catalog as WireCatalog } from "../gen/gestalt/provider/v1/plugin_pb.ts"
import { CatalogSchema } from "../gen/gestalt/provider/v1/plugin_pb.ts"

/**
 * The wire form of a catalog.
 *
 * @since 0.1.0
 * @category codecs
 */
export const toWire = (catalog: Catalog): MessageInitShape<typeof CatalogSchema> => ({
  name: catalog.name,
  displayName: catalog.displayName ?? "",
  description: catalog.description ?? "",
  iconSvg: catalog.iconSvg ?? "",
  operations: catalog.operations.map((op) => ({
    id: op.id,
    method: op.method,
    title: op.title ?? "",
    description: op.description ?? "",
    inputSchema: op.inputSchema === undefined ? "" : JSON.stringify(op.inputSchema),
    outputSchema: op.outputSchema === undefined ? "" : JSON.stringify(op.outputSchema),
    parameters: (op.parameters ?? []).map((parameter) => ({
      name: parameter.name,
      type: parameter.type,
      description: parameter.description ?? "",
      required: parameter.required ?? false,
      ...(parameter.default === undefined ? {} : { default: fromJson(ValueSchema, parameter.default as JsonValue) })
    })),
    tags: [...(op.tags ?? [])],
    readOnly: op.readOnly ?? false,
    ...(op.visible === undefined ? {} : { visible: op.visible }),
    allowedRoles: [...(op.allowedRoles ?? [])]
  }))
})

const schemaOf = (text: string, where: string): Readonly<Record<string, unknown>> | undefined => {
  if (text === "") return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === "object" && value !== null ? value as Record<string, unknown> : undefined
  } catch {
    throw new Error(`The ${where} of the catalog is not JSON.`)
  }
}

/**
 * A wire catalog as a plugin catalog (empty strings become absent). Throws
 * when a schema is not JSON text.
 *
 * @since 0.1.0
 * @category codecs
 */
export const fromWire = (wire: WireCatalog): Catalog => ({
  name: wire.name,
  ...(wire.displayName === "" ? {} : { displayName: wire.displayName }),
  ...(wire.description === "" ? {} : { description: wire.description }),
  ...(wire.iconSvg === "" ? {} : { iconSvg: wire.iconSvg }),
  operations: wire.operations.map((op): CatalogOperation => {
    const inputSchema = schemaOf(op.inputSchema, `input schema of operation '${op.id}'`)
    const outputSchema = schemaOf(op.outputSchema, `output schema of operation '${op.id}'`)
    const parameters = op.parameters.map((parameter): CatalogParameter => ({
      name: parameter.name,
      type: parameter.type,
      ...(parameter.description === "" ? {} : { description: parameter.description }),
      ...(parameter.required ? { required: true as const } : {}),
      ...(parameter.default === undefined ? {} : { default: toJson(ValueSchema, parameter.default) })
    }))
    return {
      id: op.id,
      method: op.method,
      ...(op.title === "" ? {} : { title: op.title }),
      ...(op.description === "" ? {} : { description: op.description }),
      ...(inputSchema === undefined ? {} : { inputSchema }),
      ...(outputSchema === undefined ? {} : { outputSchema }),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(op.tags.length === 0 ? {} : { tags: op.tags }),
      ...(op.readOnly ? { readOnly: true } : {}),
      ...(op.visible === undefined ? {} : { visible: op.visible }),
      ...(op.allowedRoles.length === 0 ? {} : { allowedRoles: op.allowedRoles })
    }
  })
})

