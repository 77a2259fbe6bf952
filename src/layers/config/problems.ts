/**
 * Problems found in config files, and how they become one `ConfigError`
 * whose message has one line per problem:
 * `/home/u/.msc_config.yaml:7:5: profiles.data.storage_provider: unknown key 'optons' (expected one of: type, options).`
 *
 * @since 0.1.0
 */
import { ConfigError } from "../../services/StorageConfig.ts"

/**
 * One step of a JSON path: a mapping key or a list index.
 *
 * @since 0.1.0
 * @category models
 */
export type Segment = string | number

/**
 * @since 0.1.0
 * @category models
 */
export type Path = ReadonlyArray<Segment>

/**
 * Something wrong at one place of a config.
 *
 * @since 0.1.0
 * @category models
 */
export interface Problem {
  /** The node the problem is about; its position is reported. */
  readonly path: Path
  /** Point at the node's key (an unknown key, a bad profile name) rather than its value. */
  readonly at?: "key" | "value" | undefined
  /** The path named in the message; `path` when absent. */
  readonly subject?: Path | undefined
  readonly message: string
  /** The file, when known better than by looking the path up (include conflicts). */
  readonly file?: string | undefined
  /** The position, when known without looking the path up (syntax errors). */
  readonly position?: Position | undefined
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
 * Where a node's key and value start in a file.
 *
 * @since 0.1.0
 * @category models
 */
export interface NodePosition {
  readonly key?: Position | undefined
  readonly value: Position
}

/**
 * The positions of every node of one parsed file, by `pathKey`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SourceFile {
  readonly file: string
  readonly positions: ReadonlyMap<string, NodePosition>
}

/**
 * The map key of a path in `SourceFile.positions`.
 *
 * @since 0.1.0
 * @category utils
 */
export const pathKey = (path: Path): string => JSON.stringify(path)

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/

/**
 * A JSON path as users read it: `profiles.data.retry.attempts`,
 * `include[0]`, `path_mapping["/lustre/a/"]`.
 *
 * @since 0.1.0
 * @category utils
 */
export const formatPath = (path: Path): string =>
  path.map((segment, index) =>
    typeof segment === "number"
      ? `[${segment}]`
      : PLAIN_KEY.test(segment)
      ? `${index === 0 ? "" : "."}${segment}`
      : `[${JSON.stringify(segment)}]`
  ).join("")

/** Where a problem is: the file holding the deepest part of its path. */
export interface Location {
  readonly file?: string | undefined
  readonly position?: Position | undefined
}

/**
 * Finds the position of a path in the first file that holds most of it
 * (after an include merge, a profile is found in the file that defined it).
 *
 * @since 0.1.0
 * @category utils
 */
export const locate = (
  sources: ReadonlyArray<SourceFile>,
  path: Path,
  at: "key" | "value" = "value",
  file?: string
): Location => {
  let best: { depth: number; file: string; position: Position } | undefined
  for (const source of sources) {
    if (file !== undefined && source.file !== file) continue
    for (let depth = path.length; depth >= 0 && (best === undefined || depth > best.depth); depth--) {
      const node = source.positions.get(pathKey(path.slice(0, depth)))
      if (node === undefined) continue
      const position = at === "key" && depth === path.length && node.key !== undefined ? node.key : node.value
      best = { depth, file: source.file, position }
      break
    }
  }
  return best === undefined ? { file } : { file: best.file, position: best.position }
}

const sentence = (text: string): string => /[.!?]$/.test(text) ? text : `${text}.`

/**
 * One line per problem, sorted by file and position, as one `ConfigError`
 * whose fields describe the first problem.
 *
 * @since 0.1.0
 * @category errors
 */
export const toConfigError = (
  problems: ReadonlyArray<Problem>,
  sources: ReadonlyArray<SourceFile>,
  fallbackFile?: string
): ConfigError => {
  const order = (file: string | undefined) => {
    const index = sources.findIndex((source) => source.file === file)
    return index === -1 ? sources.length : index
  }
  const located = problems.map((problem) => {
    const where = problem.position === undefined
      ? locate(sources, problem.path, problem.at, problem.file)
      : { file: problem.file, position: problem.position }
    return { problem, file: where.file ?? problem.file ?? fallbackFile, position: where.position }
  }).toSorted((a, b) =>
    order(a.file) - order(b.file) ||
    (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
    (a.position?.column ?? 0) - (b.position?.column ?? 0)
  )
  const lines = located.map(({ file, position, problem }) => {
    const place = file === undefined ? "" : `${file}${position === undefined ? "" : `:${position.line}:${position.column}`}: `
    const subject = formatPath(problem.subject ?? problem.path)
    return sentence(`${place}${subject === "" ? "" : `${subject}: `}${problem.message}`)
  })
  const first = located[0]
  return new ConfigError({
    message: lines.join("\n"),
    ...(first?.file === undefined ? {} : { file: first.file }),
    ...(first === undefined || first.problem.path.length === 0 ? {} : { path: formatPath(first.problem.path) }),
    ...(first?.position === undefined ? {} : { line: first.position.line, column: first.position.column })
  })
}
