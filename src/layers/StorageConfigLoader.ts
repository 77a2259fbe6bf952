/**
 * Loads the storage config as MSC does: the file named, else the first of
 * MSC's search paths that exists, else an embedded default that has only
 * the `__filesystem__` profile. Then `${VAR}`s are expanded, the file is
 * checked against the `ConfigFile` Schema, `include`d files are merged, and
 * the whole is checked once more (profile references, `__filesystem__`).
 *
 * Every failure is one `ConfigError` with a line per problem, each naming
 * `file:line:column`, the JSON path and what is wrong:
 * `/home/u/.msc_config.yaml:5:7: profiles.data.storage_provider: unknown key 'optons' (expected one of: type, options).`
 *
 * Stricter than MSC on purpose: unknown keys inside a profile are rejected
 * (MSC's schema lets them through), a key repeated in one YAML mapping is an
 * error (PyYAML keeps the last), and provider options are checked against
 * the provider type's Schema (`validateProviderOptions`).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import type { StorageConfig } from "../services/StorageConfig.ts"
import { ConfigError } from "../services/StorageConfig.ts"
import type { ConfigFile } from "../services/StorageConfigFile.ts"
import { buildStorageConfig } from "./config/build.ts"
import type { Env } from "./config/env.ts"
import { mergeIncludes } from "./config/merge.ts"
import type { ConfigFormat, ParsedConfigFile } from "./config/parseFile.ts"
import { formatOf, parseConfigFile } from "./config/parseFile.ts"
import type { Problem } from "./config/problems.ts"
import { toConfigError } from "./config/problems.ts"
import { configSearchPaths } from "./config/searchPaths.ts"
import { attachSources } from "./config/sources.ts"

export { expandString } from "./config/env.ts"
export type { Env } from "./config/env.ts"
export type { ConfigFormat } from "./config/parseFile.ts"
export { validateProviderOptions } from "./config/providerOptions.ts"
export { renderConfig } from "./config/render.ts"
export { isSecretKey, REDACTED } from "./config/secrets.ts"
export { configSearchPaths }

/**
 * @since 0.1.0
 * @category models
 */
export interface LoadConfigOptions {
  /** The config file; MSC's search paths are used when absent. */
  readonly file?: string | undefined
  /** For `${VAR}` expansion and the search paths (`MSC_CONFIG`, `HOME`, `XDG_*`). */
  readonly env: Env
  /** Relative paths (`file`, `$MSC_CONFIG`) are resolved against it; the process's by default. */
  readonly cwd?: string | undefined
}

const reasonOf = (error: unknown): string => {
  const code = (error as { readonly code?: unknown } | null)?.code
  switch (code) {
    case "ENOENT":
      return "it does not exist"
    case "EACCES":
    case "EPERM":
      return "permission denied"
    case "EISDIR":
      return "it is a directory"
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

const readText = (file: string, what: string) =>
  Effect.try({
    try: () => readFileSync(file, "utf8"),
    catch: (error) => new ConfigError({ message: `Cannot read the ${what} ${file}: ${reasonOf(error)}.`, file })
  })

/**
 * Parses and checks one config file's text, `${VAR}`s expanded from `env`
 * when given; includes are not followed (this is the file as written).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseConfigText = (
  text: string,
  file: string,
  format: ConfigFormat,
  options: { readonly env?: Env | undefined } = {}
): Effect.Effect<ConfigFile, ConfigError> =>
  Effect.map(Effect.fromResult(parseConfigFile(text, file, format, options.env)), (parsed) => parsed.content)

/** Reads, parses and checks every file named by `include`, relative to the including file. */
const loadIncludes = Effect.fnUntraced(function*(main: ParsedConfigFile, env: Env) {
  const entries = main.content.include ?? []
  const missing: Array<Problem> = []
  const files: Array<string> = []
  entries.forEach((entry, index) => {
    const file = path.resolve(path.dirname(main.file), entry)
    if (existsSync(file)) files.push(file)
    else missing.push({ path: ["include", index], message: `included config file ${file} does not exist` })
  })
  if (missing.length > 0) return yield* Effect.fail(toConfigError(missing, [main.source], main.file))
  const included: Array<ParsedConfigFile> = []
  for (const file of files) {
    const text = yield* readText(file, "included config file")
    included.push(yield* Effect.fromResult(parseConfigFile(text, file, formatOf(file), env)))
  }
  return included
})

/** The file to load: the one named, else the first search path that exists. */
const findFile = (options: LoadConfigOptions, cwd: string): string | undefined =>
  options.file !== undefined
    ? path.resolve(cwd, options.file)
    : configSearchPaths(options.env).map((candidate) => path.resolve(cwd, candidate)).find((file) => existsSync(file))

/**
 * The resolved config (see the module notes). A named file that cannot be
 * read is a `ConfigError` naming it; with no file named and none found, the
 * embedded default (only `__filesystem__`) is returned.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadConfig = Effect.fn("StorageConfigLoader.loadConfig")(
  function*(options: LoadConfigOptions): Effect.fn.Return<StorageConfig, ConfigError> {
    const cwd = options.cwd ?? process.cwd()
    const file = findFile(options, cwd)
    if (file === undefined) return buildStorageConfig({}, undefined).config
    yield* Effect.annotateCurrentSpan("config.file", file)
    const text = yield* readText(file, "config file")
    const main = yield* Effect.fromResult(parseConfigFile(text, file, formatOf(file), options.env))
    const included = yield* loadIncludes(main, options.env)
    const sources = [main.source, ...included.map((parsed) => parsed.source)]
    const merged = mergeIncludes(main, included)
    if (merged.problems.length > 0) return yield* Effect.fail(toConfigError(merged.problems, sources, file))
    const built = buildStorageConfig(merged.content, file)
    if (built.problems.length > 0) return yield* Effect.fail(toConfigError(built.problems, sources, file))
    return attachSources(built.config, sources)
  }
)
