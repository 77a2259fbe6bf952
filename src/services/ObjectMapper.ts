/**
 * The object mapper, after databind.core: turns typed values into payloads
 * (plain JSON-like values, or YAML/JSON text) and back. The datatype is an
 * Effect Schema (its Type side, the stand-in for Python type hints); how a
 * value is represented is decided by the converter `Module` and the
 * settings (`MapperSettings`), not by the schema's own encoding.
 *
 * Every failure is a `MapperError` saying the direction, where in the
 * payload (`$.items[1].id`, and `file:line:column` when the payload was
 * text) and a trace of the datatypes on the way:
 *
 * ```text
 * order.yaml:4:9: items[1].id: expected a number, got 'x'.
 *
 * Trace:
 *   In "order.yaml"
 *     $: Order (at 1:1)
 *     .items: Array<Item> (at 2:1)
 *     [1]: Item (at 4:5)
 *     .id: number (at 4:9)
 * ```
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect, Result } from "effect"
import type { Positions } from "./MapperModule.ts"
import type { Setting } from "./MapperSettings.ts"

/**
 * @since 0.1.0
 * @category models
 */
export const Direction = Schema.Literals(["serialize", "deserialize"])
export type Direction = typeof Direction.Type

/**
 * One problem: the JSON path (`items[1].id`), the sentence, the trace lines
 * and, for text payloads, the position.
 *
 * @since 0.1.0
 * @category errors
 */
export const MapperProblem = Schema.Struct({
  path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  message: Schema.String,
  trace: Schema.Array(Schema.String),
  kind: Schema.optional(Schema.Literals(["unknown-key", "missing-key"])),
  expected: Schema.optional(Schema.String),
  input: Schema.optional(Schema.Unknown),
  line: Schema.optional(Schema.Number),
  column: Schema.optional(Schema.Number),
  issue: Schema.optional(Schema.Defect())
})
export type MapperProblem = typeof MapperProblem.Type

/**
 * A payload or value that does not fit its datatype (or text that does not
 * parse). `message` has one line per problem, then the first one's trace.
 *
 * @since 0.1.0
 * @category errors
 */
export class MapperError extends Schema.TaggedError<MapperError>()("MapperError", {
  direction: Direction,
  message: Schema.String,
  problems: Schema.Array(MapperProblem),
  file: Schema.optional(Schema.String)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface MapOptions {
  /** Settings for this call, over the `MapperSettings` layer's global ones. Reuse the same array to reuse its plans. */
  readonly settings?: ReadonlyArray<Setting> | undefined
  /** Named in errors; also where text payloads came from. */
  readonly filename?: string | undefined
  /** Report every problem rather than the first. */
  readonly errors?: "first" | "all" | undefined
  /** Positions of the payload's nodes by `JSON.stringify(path)`, when it was read from text. */
  readonly positions?: Positions | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ObjectMapperShape {
  /** A value of the schema's Type to a payload (JSON-like). */
  readonly serialize: <S extends Schema.Top>(schema: S, value: S["Type"], options?: MapOptions) => Effect.Effect<unknown, MapperError>
  /** A payload to a value of the schema's Type. */
  readonly deserialize: <S extends Schema.Top>(schema: S, payload: unknown, options?: MapOptions) => Effect.Effect<S["Type"], MapperError>
  /** Text in the module's format (YAML, JSON) to a value; errors carry line and column. */
  readonly read: <S extends Schema.Top>(schema: S, text: string, options?: MapOptions) => Effect.Effect<S["Type"], MapperError>
  /** A value to text in the module's format. */
  readonly write: <S extends Schema.Top>(schema: S, value: S["Type"], options?: MapOptions) => Effect.Effect<string, MapperError>
  /** A compiled deserializer for hot loops (no Effect per value). */
  readonly decoder: <S extends Schema.Top>(schema: S, options?: MapOptions) => (payload: unknown) => Result.Result<S["Type"], MapperError>
  /** A compiled serializer for hot loops (no Effect per value). */
  readonly encoder: <S extends Schema.Top>(schema: S, options?: MapOptions) => (value: S["Type"]) => Result.Result<unknown, MapperError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class ObjectMapper extends Context.Service<ObjectMapper, ObjectMapperShape>()("strata/ObjectMapper") {}
