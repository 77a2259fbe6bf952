/**
 * One config file's text to its decoded content: syntax, `${VAR}`
 * expansion, then the `ConfigFile` Schema. Every problem found is reported,
 * one line each, with `file:line:column`.
 *
 * Deviation from MSC (which validates, merges includes, then expands):
 * variables are expanded before validation, so values taken from the
 * environment (`size: ${CACHE_SIZE}`, `include: [${HOME}/x.yaml]`) are
 * checked like written ones.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import type { ConfigError } from "../../services/StorageConfig.ts"
import { CONFIG_PARSE_OPTIONS, ConfigFile } from "../../services/StorageConfigFile.ts"
import type { Env } from "./env.ts"
import { expandEnv } from "./env.ts"
import { problemsFromIssue } from "./issues.ts"
import { parseJson, parseYaml } from "./parseText.ts"
import type { Problem, SourceFile } from "./problems.ts"
import { pathKey, toConfigError } from "./problems.ts"

/**
 * @since 0.1.0
 * @category models
 */
export type ConfigFormat = "yaml" | "json"

/**
 * A decoded file and where its nodes are.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedConfigFile {
  readonly file: string
  readonly content: ConfigFile
  readonly source: SourceFile
}

/**
 * MSC's rule: a name ending in `.json` is JSON, anything else YAML.
 *
 * @since 0.1.0
 * @category utils
 */
export const formatOf = (file: string): ConfigFormat => file.toLowerCase().endsWith(".json") ? "json" : "yaml"

/**
 * Parses and decodes one file; `env`, when given, expands `${VAR}`s first.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseConfigFile = (
  text: string,
  file: string,
  format: ConfigFormat,
  env?: Env
): Result.Result<ParsedConfigFile, ConfigError> => {
  const parsed = format === "json" ? parseJson(text, file) : parseYaml(text, file)
  if (Result.isFailure(parsed)) {
    const { message, position } = parsed.failure
    return Result.fail(toConfigError([{ path: [], file, position, message }], [], file))
  }
  const { source } = parsed.success
  const expanded = env === undefined ? { value: parsed.success.value, problems: [] } : expandEnv(parsed.success.value, env)
  const decoded = Schema.decodeUnknownResult(ConfigFile)(expanded.value, CONFIG_PARSE_OPTIONS)
  // A value with an unresolved variable is reported once, for the variable.
  const unresolved = new Set(expanded.problems.map((problem) => pathKey(problem.path)))
  const problems: Array<Problem> = [
    ...expanded.problems,
    ...(Result.isFailure(decoded)
      ? problemsFromIssue(decoded.failure.issue).filter((problem) => !unresolved.has(pathKey(problem.path)))
      : [])
  ]
  if (Result.isFailure(decoded) && problems.length === 0) problems.push({ path: [], message: decoded.failure.message })
  if (problems.length > 0 || Result.isFailure(decoded)) return Result.fail(toConfigError(problems, [source], file))
  return Result.succeed({ file, content: decoded.success, source })
}
