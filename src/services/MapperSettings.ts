/**
 * Settings of the object mapper, after databind.core: how a field is named
 * (`Alias`), how dates look (`DateFormat`), whether unknown keys are allowed
 * (`ExtraKeys`), nested structs inlined (`Flattened`), unknown keys
 * gathered (`Remainder`), optional fields forced (`Required`), defaults
 * omitted on output (`SerializeDefaults`), lossless coercions allowed
 * (`Strict`), union shapes (`Union`) and decimal scale (`Precision`).
 *
 * A setting is attached to a field or a type with `withSettings` (an
 * annotation; it applies where that schema is the datatype), to a type from
 * outside with `MapperSettings.forType`, conditionally with
 * `MapperSettings.when`, or globally through the `MapperSettings` layer or
 * per call. Resolution follows databind: candidates are gathered in the
 * order annotation, per type, conditional, per call, layer; the highest
 * `priority` wins and ties go to the earliest.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import type { Schema, SchemaAST } from "effect"

/**
 * `LOW` 0, `NORMAL` 1 (the default), `HIGH` 2, `ULTIMATE` 3.
 *
 * @since 0.1.0
 * @category models
 */
export const Priority = { LOW: 0, NORMAL: 1, HIGH: 2, ULTIMATE: 3 } as const

interface Ranked {
  readonly priority: number
}

/** @since 0.1.0 @category models */
export interface Alias extends Ranked {
  readonly _tag: "Alias"
  readonly names: readonly [string, ...Array<string>]
}
/** @since 0.1.0 @category models */
export interface DateFormat extends Ranked {
  readonly _tag: "DateFormat"
  readonly formats: readonly [string, ...Array<string>]
}
/** @since 0.1.0 @category models */
export interface DeserializeAs extends Ranked {
  readonly _tag: "DeserializeAs"
  readonly schema: Schema.Top
}
/** @since 0.1.0 @category models */
export interface ExtraKeys extends Ranked {
  readonly _tag: "ExtraKeys"
  readonly allow: boolean
  /** Called with the unknown keys (sorted) and the datatype they were found in. */
  readonly recorder?: ((keys: ReadonlyArray<string>, datatype: string) => void) | undefined
}
/** @since 0.1.0 @category models */
export interface Flattened extends Ranked {
  readonly _tag: "Flattened"
}
/** @since 0.1.0 @category models */
export interface Remainder extends Ranked {
  readonly _tag: "Remainder"
}
/** @since 0.1.0 @category models */
export interface Required extends Ranked {
  readonly _tag: "Required"
}
/** @since 0.1.0 @category models */
export interface SerializeDefaults extends Ranked {
  readonly _tag: "SerializeDefaults"
  readonly enabled: boolean
}
/** @since 0.1.0 @category models */
export interface Strict extends Ranked {
  readonly _tag: "Strict"
  readonly enabled: boolean
}
/** @since 0.1.0 @category models */
export interface Precision extends Ranked {
  readonly _tag: "Precision"
  /** Digits after the point; values are rounded half away from zero. */
  readonly scale: number
}

/**
 * `nested`: `{type: id, <id>: payload}`; `flat`: the payload object with
 * `type: id` added; `keyed`: `{<id>: payload}`; `best_match`: the payload,
 * members tried in order.
 *
 * @since 0.1.0
 * @category models
 */
export type UnionStyle = "nested" | "flat" | "keyed" | "best_match"

/**
 * Members by id, open for registration (databind's `Union.register`).
 *
 * @since 0.1.0
 * @category models
 */
export class UnionRegistry {
  private readonly byId = new Map<string, Schema.Top>()
  /** Bumped on every registration, so compiled plans see new members. */
  version = 0
  register(id: string, schema: Schema.Top): this {
    this.byId.set(id, schema)
    this.version++
    return this
  }
  entries(): ReadonlyArray<readonly [string, Schema.Top]> {
    return [...this.byId]
  }
}

/** @since 0.1.0 @category models */
export interface Union extends Ranked {
  readonly _tag: "Union"
  readonly style: UnionStyle
  readonly discriminatorKey: string
  /** Where `nested` reads the member payload; the member id when absent. */
  readonly nestingKey?: string | undefined
  /** Members by id; when absent, the union schema's own members (id: identifier, else index). */
  readonly members?: Readonly<Record<string, Schema.Top>> | UnionRegistry | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Setting =
  | Alias
  | DateFormat
  | DeserializeAs
  | ExtraKeys
  | Flattened
  | Remainder
  | Required
  | SerializeDefaults
  | Strict
  | Precision
  | Union

/**
 * @since 0.1.0
 * @category models
 */
export type SettingTag = Setting["_tag"]

type Options = { readonly priority?: number | undefined }
const rank = (options: Options | undefined) => options?.priority ?? Priority.NORMAL

/** First alias names the field on output; every alias is accepted on input. @since 0.1.0 @category constructors */
export const Alias = (...names: readonly [string, ...Array<string>]): Alias => ({ _tag: "Alias", names, priority: Priority.NORMAL })
/** Dates parse with any format and are written with the first (`%Y-%m-%d`, or `ISO_8601`). @since 0.1.0 @category constructors */
export const DateFormat = (...formats: readonly [string, ...Array<string>]): DateFormat => ({
  _tag: "DateFormat",
  formats,
  priority: Priority.NORMAL
})
/** Load the field as this (more specific) schema. @since 0.1.0 @category constructors */
export const DeserializeAs = (schema: Schema.Top, options?: Options): DeserializeAs => ({
  _tag: "DeserializeAs",
  schema,
  priority: rank(options)
})
/** Allow unknown keys (rejected by default), optionally handing them to `recorder`. @since 0.1.0 @category constructors */
export const ExtraKeys = (
  allow = true,
  options?: Options & { readonly recorder?: ExtraKeys["recorder"] }
): ExtraKeys => ({ _tag: "ExtraKeys", allow, recorder: options?.recorder, priority: rank(options) })
/** The nested struct's fields live in the parent object. @since 0.1.0 @category constructors */
export const Flattened = (): Flattened => ({ _tag: "Flattened", priority: Priority.NORMAL })
/** This record field takes every key no other field claims. @since 0.1.0 @category constructors */
export const Remainder = (): Remainder => ({ _tag: "Remainder", priority: Priority.NORMAL })
/** An optional field must be present anyway. @since 0.1.0 @category constructors */
export const Required = (): Required => ({ _tag: "Required", priority: Priority.NORMAL })
/** `SerializeDefaults(false)` omits fields equal to their default. @since 0.1.0 @category constructors */
export const SerializeDefaults = (enabled = true, options?: Options): SerializeDefaults => ({
  _tag: "SerializeDefaults",
  enabled,
  priority: rank(options)
})
/** `Strict(false)` allows lossless coercions on input (`"1"` -> 1, `"yes"` -> true). @since 0.1.0 @category constructors */
export const Strict = (enabled = true, options?: Options): Strict => ({ _tag: "Strict", enabled, priority: rank(options) })
/** @since 0.1.0 @category constructors */
export const Precision = (scale: number, options?: Options): Precision => ({ _tag: "Precision", scale, priority: rank(options) })
/** @since 0.1.0 @category constructors */
export const Union = (options: {
  readonly style?: UnionStyle | undefined
  readonly discriminatorKey?: string | undefined
  readonly nestingKey?: string | undefined
  readonly members?: Union["members"]
  readonly priority?: number | undefined
} = {}): Union => ({
  _tag: "Union",
  style: options.style ?? "nested",
  discriminatorKey: options.discriminatorKey ?? "type",
  nestingKey: options.nestingKey,
  members: options.members,
  priority: rank(options)
})

/**
 * The same setting with another priority.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withPriority = <S extends Setting>(setting: S, priority: number): S => ({ ...setting, priority })

/**
 * The annotation key holding a schema's settings.
 *
 * @since 0.1.0
 * @category annotations
 */
export const SETTINGS_ANNOTATION = "strata/mapper/settings"

/**
 * The settings annotated on an AST node (field settings first, then the
 * type's own).
 *
 * @since 0.1.0
 * @category annotations
 */
export const settingsOf = (ast: SchemaAST.AST): ReadonlyArray<Setting> => {
  const own = ast.annotations?.[SETTINGS_ANNOTATION] as ReadonlyArray<Setting> | undefined
  const key = ast.context?.annotations?.[SETTINGS_ANNOTATION] as ReadonlyArray<Setting> | undefined
  return key === undefined ? own ?? [] : own === undefined ? key : [...key, ...own]
}

/**
 * Attaches settings to a schema (a field or a type): `Schema.Date.pipe(withSettings(DateFormat("%d.%m.%Y")))`.
 * Settings already on the schema stay, after the new ones.
 *
 * @since 0.1.0
 * @category annotations
 */
export const withSettings = (...settings: ReadonlyArray<Setting>) => <S extends Schema.Top>(schema: S): S["Rebuild"] =>
  schema.annotate({ [SETTINGS_ANNOTATION]: [...settings, ...settingsOf(schema.ast)] })

/**
 * A conditional setting source: given the datatype's AST, the settings that apply there.
 *
 * @since 0.1.0
 * @category models
 */
export type SettingsProvider = (ast: SchemaAST.AST) => ReadonlyArray<Setting> | undefined

/**
 * The mapper's global settings: `local` by type, `providers` (conditional), then `global`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SettingsShape {
  readonly local: ReadonlyArray<readonly [SchemaAST.AST, ReadonlyArray<Setting>]>
  readonly providers: ReadonlyArray<SettingsProvider>
  readonly global: ReadonlyArray<Setting>
}

/**
 * Settings applied from outside the schemas, as a layer.
 *
 * @since 0.1.0
 * @category services
 */
export class MapperSettings extends Context.Service<MapperSettings, SettingsShape>()("strata/MapperSettings") {
  /** No settings beyond the schemas' own. */
  static readonly layerEmpty = Layer.succeed(MapperSettings, MapperSettings.of({ local: [], providers: [], global: [] }))
  /** Settings for every value (`Strict(false)`, `ExtraKeys()` ...), per-type settings and conditions. */
  static readonly layer = (
    global: ReadonlyArray<Setting>,
    more: { readonly local?: SettingsShape["local"]; readonly providers?: SettingsShape["providers"] } = {}
  ) => Layer.succeed(MapperSettings, MapperSettings.of({ global, local: more.local ?? [], providers: more.providers ?? [] }))
}

/**
 * Settings for one type wherever it is the datatype (databind's `add_local`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const forType = (schema: Schema.Top, ...settings: ReadonlyArray<Setting>) => [schema.ast, settings] as const

/**
 * Settings for the datatypes `predicate` accepts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const when = (predicate: (ast: SchemaAST.AST) => boolean, ...settings: ReadonlyArray<Setting>): SettingsProvider =>
(ast) => predicate(ast) ? settings : undefined
