/**
 * One config file's text to its decoded content: syntax, `${VAR}`
 * expansion, then the `ConfigFile` Schema. Every problem found is reported,
 * one line each, with `file:line:column`.
 *
 * The content is decoded by the `ObjectMapper` (JSON module, every problem
 * reported), so config errors are the mapper's; they are worded here for
 * someone editing the file (secrets never shown).
 *
 * Deviation from MSC (which validates, merges includes, then expands):
 * variables are expanded before validation, so values taken from the
 * environment (`size: ${CACHE_SIZE}`, `include: [${HOME}/x.yaml]`) are
 * checked like written ones.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { SchemaIssue } from "effect"
import type { ConfigError } from "../../services/StorageConfig.ts"
import { ConfigFile } from "../../services/StorageConfigFile.ts"
import type { MapperError } from "../../services/ObjectMapper.ts"
import { json } from "../mapper/modules.ts"
import { makeWith } from "../ObjectMapperLive.ts"
import type { Env } from "./env.ts"
import { expandEnv } from "./env.ts"
import { describeInput, problemsFromIssue } from "./issues.ts"
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

const decodeContent = makeWith(json, { local: [], providers: [], global: [] }).decoder(ConfigFile, { errors: "all" })

/** The mapper's problems as config problems: failed checks keep the Schema's wording. */
const problemsOf = (error: MapperError): Array<Problem> =>
  error.problems.flatMap((problem): Array<Problem> => {
    const { path } = problem
    if (problem.issue !== undefined) return problemsFromIssue(problem.issue as SchemaIssue.Issue, path)
    if (problem.kind === "unknown-key") return [{ path, at: "key", subject: path.slice(0, -1), message: problem.message }]
    if (problem.kind === "missing-key") return [{ path, at: "key", message: problem.message }]
    if (problem.expected !== undefined) {
      return [{ path, message: `expected ${problem.expected}, got ${describeInput(problem.input, path)}` }]
    }
    return [{ path, message: problem.message }]
  })

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
  const decoded = decodeContent(expanded.value)
  // A value with an unresolved variable is reported once, for the variable.
  const unresolved = new Set(expanded.problems.map((problem) => pathKey(problem.path)))
  const problems: Array<Problem> = [
    ...expanded.problems,
    ...(Result.isFailure(decoded)
      ? problemsOf(decoded.failure).filter((problem) => !unresolved.has(pathKey(problem.path)))
      : [])
  ]
  if (Result.isFailure(decoded) && problems.length === 0) problems.push({ path: [], message: decoded.failure.message })
  if (problems.length > 0 || Result.isFailure(decoded)) return Result.fail(toConfigError(problems, [source], file))
  return Result.succeed({ file, content: decoded.success, source })
}
