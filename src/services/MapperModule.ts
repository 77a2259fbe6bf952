/**
 * Converter modules of the object mapper: a `Module` is an ordered list of
 * converters (the first that accepts a datatype converts it) plus, for
 * modules that read and write text, a text format. Modules are layers, so a
 * program or a test swaps them like any other service.
 *
 * A converter is asked once per datatype, when the mapper compiles a plan
 * for a schema; what it returns (a `Plan`) does the per-value work in both
 * directions. Plans report bad values by throwing what `fail` builds; the
 * mapper turns that into a `MapperError` with the path, trace and location.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import type { Result, SchemaAST } from "effect"
import type { Setting, SettingTag } from "./MapperSettings.ts"

/**
 * The compiled conversion of one datatype. `decode` turns a payload into a
 * value (deserialize), `encode` a value into a payload (serialize).
 *
 * @since 0.1.0
 * @category models
 */
export interface Plan {
  /** How the datatype reads in traces: `number`, `Order`, `Array<Item>`. */
  readonly label: string
  readonly decode: (payload: unknown) => unknown
  readonly encode: (value: unknown) => unknown
}

/**
 * What a converter may ask while compiling.
 *
 * @since 0.1.0
 * @category models
 */
export interface Compiler {
  /** The plan of a nested datatype (cached; recursive schemas are fine). */
  readonly plan: (ast: SchemaAST.AST) => Plan
  /** The winning setting of a kind for a datatype (see `MapperSettings` for the order). */
  readonly setting: <T extends SettingTag>(tag: T, ast: SchemaAST.AST) => Extract<Setting, { _tag: T }> | undefined
  /** Report every problem (`true`) or stop at the first. */
  readonly collectAll: boolean
  /** How a datatype reads in traces and messages. */
  readonly label: (ast: SchemaAST.AST) => string
}

/**
 * Turns one datatype into a plan, or returns `undefined` to let the next
 * converter of the module try.
 *
 * @since 0.1.0
 * @category models
 */
export interface Converter {
  readonly name: string
  readonly compile: (ast: SchemaAST.AST, compiler: Compiler) => Plan | undefined
}

/**
 * A syntax error in a text payload, with its 1-based position.
 *
 * @since 0.1.0
 * @category models
 */
export interface TextProblem {
  readonly message: string
  readonly line: number
  readonly column: number
}

/**
 * A text payload read into a value plus the position of every node by JSON
 * path (`JSON.stringify(["items", 1, "id"])`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ReadText {
  readonly value: unknown
  readonly positions: Positions
}

/**
 * 1-based line and column.
 *
 * @since 0.1.0
 * @category models
 */
export interface Position {
  readonly line: number
  readonly column: number
}

/**
 * Where each node of a text payload starts (its value, and its key when it
 * has one), by `JSON.stringify(path)`.
 *
 * @since 0.1.0
 * @category models
 */
export type Positions = ReadonlyMap<string, { readonly key?: Position | undefined; readonly value: Position }>

/**
 * How a module reads and writes text (`yaml`, `json`).
 *
 * @since 0.1.0
 * @category models
 */
export interface TextFormat {
  readonly name: string
  readonly read: (text: string) => Result.Result<ReadText, TextProblem>
  readonly write: (payload: unknown) => string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ModuleShape {
  readonly name: string
  readonly converters: ReadonlyArray<Converter>
  readonly text: TextFormat
}

/**
 * The converter module the mapper uses.
 *
 * @since 0.1.0
 * @category services
 */
export class MapperModule extends Context.Service<MapperModule, ModuleShape>()("strata/MapperModule") {}

/**
 * A module from converters, tried in order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: string, converters: ReadonlyArray<Converter>, text: TextFormat): ModuleShape => ({
  name,
  converters,
  text
})

/**
 * `module` with `converters` tried before its own (a user's types, or an
 * override of a built-in representation).
 *
 * @since 0.1.0
 * @category combinators
 */
export const prepend = (module: ModuleShape, ...converters: ReadonlyArray<Converter>): ModuleShape => ({
  ...module,
  converters: [...converters, ...module.converters]
})

/**
 * A module as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (module: ModuleShape) => Layer.succeed(MapperModule, module)

/**
 * Thrown by plans for a bad payload or value; caught and reported by the
 * mapper. `steps` is filled in, innermost first, as it travels up.
 *
 * @since 0.1.0
 * @category errors
 */
export class MappingFailure {
  readonly problems: Array<FailureProblem>
  constructor(problems: Array<FailureProblem>) {
    this.problems = problems
  }
}

/**
 * One step of a trace: a key (`undefined` for an unnamed step such as a
 * union member attempt) and the datatype there.
 *
 * @since 0.1.0
 * @category models
 */
export interface TraceStep {
  readonly key: string | number | undefined
  readonly label: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface FailureProblem {
  readonly steps: Array<TraceStep>
  readonly message: string
  /** An unknown key (the path ends with it) or a missing one (the path is its parent): located at the key. */
  readonly kind?: "unknown-key" | "missing-key" | undefined
  /** For "expected X, got Y" problems: X, and the rejected input, so callers can word their own. */
  readonly expected?: string | undefined
  readonly input?: unknown
  /** The Schema issue behind a failed check, for callers that word their own messages. */
  readonly issue?: unknown
}

/**
 * Stops the current plan with a message (a sentence without the final period).
 *
 * @since 0.1.0
 * @category errors
 */
export const fail = (message: string, more: Omit<FailureProblem, "steps" | "message"> = {}): never => {
  throw new MappingFailure([{ steps: [], message, ...more }])
}

/**
 * A converter for one declared type (a user's class or opaque type): `is`
 * recognizes its schema, `serialize`/`deserialize` convert values.
 *
 * @since 0.1.0
 * @category constructors
 */
export const converter = (options: {
  readonly name: string
  readonly is: (ast: SchemaAST.AST) => boolean
  readonly label?: string | undefined
  readonly serialize: (value: unknown) => unknown
  readonly deserialize: (payload: unknown) => unknown
}): Converter => ({
  name: options.name,
  compile: (ast, compiler) =>
    options.is(ast)
      ? { label: options.label ?? compiler.label(ast), decode: options.deserialize, encode: options.serialize }
      : undefined
})
