/**
 * YAML and JSON text to a plain value plus the position of every node, so
 * later problems can say `file:line:column`.
 *
 * YAML is read as YAML 1.1, like MSC's PyYAML (`yes`/`no` booleans, `<<`
 * merge keys); unlike PyYAML, a key repeated in one mapping is an error.
 * JSON is parsed by `JSON.parse`; its positions come from reading the same
 * text as YAML (JSON is YAML's flow style).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml"
import type { Document, Node } from "yaml"
import type { NodePosition, Path, Position, SourceFile } from "./problems.ts"
import { pathKey } from "./problems.ts"

/**
 * A parsed file: its value and where each node is.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedText {
  readonly value: unknown
  readonly source: SourceFile
}

/**
 * A syntax error: where, and what.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyntaxProblem {
  readonly position: Position
  readonly message: string
}

const positionAt = (lines: LineCounter, offset: number): Position => {
  const { line, col } = lines.linePos(offset)
  return { line, column: col }
}

/** Records the start of every key and value under `root`. */
const collectPositions = (root: Node | null, lines: LineCounter): Map<string, NodePosition> => {
  const positions = new Map<string, NodePosition>()
  const walk = (node: unknown, path: Path, key: Position | undefined): void => {
    const range = (node as Node | null)?.range
    // An empty value (`profiles:` and nothing) is pointed at by its key.
    const value = range === undefined || range === null || (range[0] === range[1] && key !== undefined)
      ? key
      : positionAt(lines, range[0])
    if (value === undefined) return
    positions.set(pathKey(path), key === undefined ? { value } : { key, value })
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        // `<<` merges another mapping in; its own keys have no place of their own.
        if (name === "<<") continue
        const keyRange = (pair.key as Node | null)?.range
        walk(pair.value, [...path, name], keyRange === undefined || keyRange === null ? value : positionAt(lines, keyRange[0]))
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index], undefined))
    }
  }
  walk(root, [], { line: 1, column: 1 })
  return positions
}

/** The first alias without an anchor before it, which `toJS` would throw on. */
const unresolvedAlias = (document: Document, lines: LineCounter): SyntaxProblem | undefined => {
  let found: SyntaxProblem | undefined
  visit(document, {
    Alias(_, node) {
      if (node.resolve(document) !== undefined) return undefined
      found = {
        position: positionAt(lines, node.range?.[0] ?? 0),
        message: `alias *${node.source} has no anchor &${node.source} before it`
      }
      return visit.BREAK
    }
  })
  return found
}

const YAML_OPTIONS = { version: "1.1", merge: true, prettyErrors: false } as const

/**
 * Parses YAML text (YAML 1.1 unless `options.version` says otherwise).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseYaml = (
  text: string,
  file: string,
  options: { readonly version?: "1.1" | "1.2" } = {}
): Result.Result<ParsedText, SyntaxProblem> => {
  const lines = new LineCounter()
  const document = parseDocument(text, { ...YAML_OPTIONS, ...options, lineCounter: lines })
  const error = document.errors[0]
  if (error !== undefined) {
    return Result.fail({
      position: positionAt(lines, error.pos[0]),
      message: `malformed YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`
    })
  }
  const alias = unresolvedAlias(document, lines)
  if (alias !== undefined) return Result.fail({ ...alias, message: `malformed YAML: ${alias.message}` })
  // A document of comments only is an empty config, as in MSC.
  const value: unknown = document.toJS({ maxAliasCount: 1000 }) ?? {}
  return Result.succeed({ value, source: { file, positions: collectPositions(document.contents, lines) } })
}

/** Offset of the first JSON syntax error, for messages that do not carry one. */
const jsonErrorOffset = (text: string): number => {
  let i = 0
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++
  }
  const value = (): boolean => {
    space()
    const c = text[i]
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]"
      i++
      space()
      if (text[i] === close) return ++i > 0
      for (;;) {
        if (c === "{") {
          space()
          if (text[i] !== "\"" || !string()) return false
          space()
          if (text[i] !== ":") return false
          i++
        }
        if (!value()) return false
        space()
        if (text[i] === close) return ++i > 0
        if (text[i] !== ",") return false
        i++
      }
    }
    if (c === "\"") return string()
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i))
    if (literal === null) return false
    i += literal[0].length
    return true
  }
  const string = (): boolean => {
    i++
    while (i < text.length) {
      const c = text[i]!
      if (c === "\"") return ++i > 0
      // Control characters must be escaped in JSON strings.
      if (c.charCodeAt(0) < 0x20) return false
      if (c === "\\") {
        const escape = /^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(i, i + 6))
        if (escape === null) return false
        i += escape[0].length
      } else i++
    }
    return false
  }
  if (value()) space()
  return i
}

/**
 * Parses JSON text.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseJson = (text: string, file: string): Result.Result<ParsedText, SyntaxProblem> => {
  const lines = new LineCounter()
  // Feed the line counter the same newlines the YAML reader would.
  const document = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines, uniqueKeys: false })
  const parsed = Result.try({ try: (): unknown => JSON.parse(text), catch: (error) => String((error as Error).message) })
  if (Result.isFailure(parsed)) {
    const stated = /at position (\d+)/.exec(parsed.failure)
    const offset = stated === null ? jsonErrorOffset(text) : Number(stated[1])
    const reason = parsed.failure.replace(/ in JSON at position \d+.*$/, "").replace(/, ".*" is not valid JSON$/s, "")
    return Result.fail({ position: positionAt(lines, offset), message: `malformed JSON: ${reason}` })
  }
  // Valid JSON that the YAML reader still trips on keeps no positions rather than failing.
  const positions = document.errors.length === 0 ? collectPositions(document.contents, lines) : new Map()
  return Result.succeed({ value: parsed.success, source: { file, positions } })
}
