/**
 * The built-in converter modules: `json` (payloads are JSON values; text is
 * JSON) and `yaml` (the same converters; text is YAML 1.1, read with the
 * position of every node so errors say `file:line:column`). Both read text
 * with the config loader's reader (`config/parseText.ts`).
 *
 * Converter order: dates and durations, wrapped types (Option, Redacted,
 * BigDecimal), unions (and any type with a `Union` setting naming members),
 * plain values, lists and tuples, structs/classes and records. Prepend your own converters with `MapperModule.prepend`.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { stringify } from "yaml"
import type { Converter, TextFormat } from "../../services/MapperModule.ts"
import { make } from "../../services/MapperModule.ts"
import { parseJson, parseYaml } from "../config/parseText.ts"
import type { ParsedText, SyntaxProblem } from "../config/parseText.ts"
import { collections } from "./collections.ts"
import { dates } from "./dates.ts"
import { objects } from "./objects.ts"
import { primitives } from "./primitives.ts"
import { transformed } from "./transformed.ts"
import { unions } from "./unions.ts"
import { wrappers } from "./wrappers.ts"

/**
 * The converters every built-in module has, in order.
 *
 * @since 0.1.0
 * @category converters
 */
export const converters: ReadonlyArray<Converter> = [dates, wrappers, unions, primitives, collections, objects, transformed]

const reader = (parse: (text: string, file: string) => Result.Result<ParsedText, SyntaxProblem>): TextFormat["read"] => (text) =>
  Result.mapBoth(parse(text, ""), {
    onSuccess: (parsed) => ({ value: parsed.value, positions: parsed.source.positions }),
    onFailure: (problem) => ({ message: problem.message, ...problem.position })
  })

/**
 * JSON payloads and JSON text (two-space indented on output).
 *
 * @since 0.1.0
 * @category modules
 */
export const json = make("json", converters, {
  name: "json",
  read: reader(parseJson),
  write: (payload) => JSON.stringify(payload, null, 2)
})

/**
 * JSON payloads and YAML text.
 *
 * @since 0.1.0
 * @category modules
 */
export const yaml = make("yaml", converters, {
  name: "yaml",
  read: reader(parseYaml),
  write: (payload) => stringify(payload)
})
