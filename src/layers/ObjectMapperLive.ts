/**
 * The `ObjectMapper` over a `MapperModule` and `MapperSettings`: plans are
 * compiled once per schema (per module, settings and error mode) and
 * cached; per-call settings get their own cache keyed by the settings
 * array, so pass the same array to reuse plans.
 *
 * `layer` uses the JSON module and no global settings; `layerNoDeps` takes
 * both from the context, for programs and tests that swap them.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Result } from "effect"
import type { Schema } from "effect"
import type { Compiler } from "../services/MapperModule.ts"
import { MapperModule } from "../services/MapperModule.ts"
import type { Setting } from "../services/MapperSettings.ts"
import { MapperSettings } from "../services/MapperSettings.ts"
import type { Direction, MapOptions, ObjectMapperShape } from "../services/ObjectMapper.ts"
import { MapperError, ObjectMapper } from "../services/ObjectMapper.ts"
import { makeCompiler } from "./mapper/compile.ts"
import { labelOf } from "./mapper/describe.ts"
import { json } from "./mapper/modules.ts"
import { toMapperError } from "./mapper/trace.ts"

const NO_SETTINGS: ReadonlyArray<Setting> = []

/**
 * The service over a module and settings, without the context (for code
 * outside Effect, such as the config loader).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = (module: MapperModule["Service"], settings: MapperSettings["Service"]): ObjectMapperShape => {
  const compilers = new WeakMap<ReadonlyArray<Setting>, [first: Compiler | undefined, all: Compiler | undefined]>()
  const compilerFor = (options: MapOptions | undefined): Compiler => {
    const perCall = options?.settings ?? NO_SETTINGS
    const all = options?.errors === "all" ? 1 : 0
    let pair = compilers.get(perCall)
    if (pair === undefined) compilers.set(perCall, pair = [undefined, undefined])
    return pair[all] ??= makeCompiler(module, settings, perCall, all === 1)
  }
  /** One conversion; whatever is thrown (by a plan, or while compiling) becomes a MapperError. */
  const convert = (direction: Direction, schema: Schema.Top, input: unknown, options: MapOptions | undefined): Result.Result<unknown, MapperError> => {
    try {
      const plan = compilerFor(options).plan(schema.ast)
      return Result.succeed(direction === "deserialize" ? plan.decode(input) : plan.encode(input))
    } catch (error) {
      return Result.fail(toMapperError(error, direction, labelOf(schema.ast), options ?? {}))
    }
  }
  const converter = (direction: Direction) => (schema: Schema.Top, options?: MapOptions) => {
    const compiler = compilerFor(options)
    let plan: ReturnType<Compiler["plan"]> | undefined
    return (input: unknown): Result.Result<unknown, MapperError> => {
      try {
        plan ??= compiler.plan(schema.ast)
        return Result.succeed(direction === "deserialize" ? plan.decode(input) : plan.encode(input))
      } catch (error) {
        return Result.fail(toMapperError(error, direction, labelOf(schema.ast), options ?? {}))
      }
    }
  }
  // Per-value calls are a hot path: a span each would cost several times the conversion
  // (bench/README.md), so they are untraced; `read`/`write` (text) have spans.
  const serialize = (schema: Schema.Top, value: unknown, options?: MapOptions) =>
    Effect.suspend(() => Effect.fromResult(convert("serialize", schema, value, options)))
  const deserialize = (schema: Schema.Top, payload: unknown, options?: MapOptions) =>
    Effect.suspend(() => Effect.fromResult(convert("deserialize", schema, payload, options)))
  const read = Effect.fn("ObjectMapper.read")(function*(schema: Schema.Top, text: string, options?: MapOptions) {
    const parsed = module.text.read(text)
    if (Result.isFailure(parsed)) {
      const { column, line, message } = parsed.failure
      const file = options?.filename
      return yield* new MapperError({
        direction: "deserialize",
        message: `${file === undefined ? "" : `${file}:`}${line}:${column}: ${message}.`,
        problems: [{ path: [], message, trace: [], line, column }],
        ...(file === undefined ? {} : { file })
      })
    }
    const located: MapOptions = { ...options, positions: parsed.success.positions }
    return yield* Effect.fromResult(convert("deserialize", schema, parsed.success.value, located))
  })
  const write = Effect.fn("ObjectMapper.write")(function*(schema: Schema.Top, value: unknown, options?: MapOptions) {
    const payload = yield* Effect.fromResult(convert("serialize", schema, value, options))
    return module.text.write(payload)
  })
  return ObjectMapper.of({
    serialize,
    deserialize,
    read,
    write,
    decoder: converter("deserialize"),
    encoder: converter("serialize")
  } as ObjectMapperShape)
}

/**
 * Builds the service from the module and settings in the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  return makeWith(yield* MapperModule, yield* MapperSettings)
})

/**
 * The mapper over the module and settings in the context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoDeps = Layer.effect(ObjectMapper, make)

/**
 * The mapper with the JSON module and no global settings.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = layerNoDeps.pipe(Layer.provide([Layer.succeed(MapperModule, json), MapperSettings.layerEmpty]))

/**
 * The mapper with a given module and global settings.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: { readonly module?: MapperModule["Service"]; readonly settings?: ReadonlyArray<Setting> }) =>
  layerNoDeps.pipe(Layer.provide([Layer.succeed(MapperModule, options.module ?? json), MapperSettings.layer(options.settings ?? [])]))
