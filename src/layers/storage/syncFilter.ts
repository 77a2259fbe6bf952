/**
 * Which keys a sync considers: MSC's ordered include/exclude patterns
 * (Python `fnmatch`, so `*` also matches "/") and its hidden-key rule.
 *
 * @since 0.1.0
 */
import type { SyncPattern } from "../../services/StorageSync.ts"

/** Escapes a character for use outside a character class (unicode mode). */
const literal = (char: string): string => (/[\\^$.*+?()[\]{}|/]/.test(char) ? "\\" + char : char)

/**
 * An fnmatch pattern as a RegExp, as Python's `fnmatch.translate`: `*` is any
 * run of characters (including "/"), `?` one character, `[...]` a class with
 * `!` negating, an unclosed "[" a literal; no escape character.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fnmatchRegex = (pattern: string): RegExp => {
  const chars = Array.from(pattern)
  let out = ""
  let i = 0
  while (i < chars.length) {
    const char = chars[i++]!
    if (char === "*") {
      while (chars[i] === "*") i++
      out += "[\\s\\S]*"
    } else if (char === "?") {
      out += "[\\s\\S]"
    } else if (char === "[") {
      let j = i
      if (chars[j] === "!") j++
      if (chars[j] === "]") j++
      while (j < chars.length && chars[j] !== "]") j++
      if (j >= chars.length) {
        out += "\\["
        continue
      }
      let body = chars.slice(i, j)
      i = j + 1
      const negated = body[0] === "!"
      if (negated) body = body.slice(1)
      const escaped = body.map((c) => (c === "\\" || c === "]" || c === "[" || c === "^" ? "\\" + c : c)).join("")
      out += escaped === "" ? (negated ? "[\\s\\S]" : "(?!)") : `[${negated ? "^" : ""}${escaped}]`
    } else {
      out += literal(char)
    }
  }
  return new RegExp(`^${out}$`, "u")
}

/**
 * Whether a relative key has a path segment starting with ".".
 *
 * @since 0.1.0
 * @category predicates
 */
export const isHiddenKey = (key: string): boolean => key.startsWith(".") || key.includes("/.")

/**
 * The predicate a sync applies to every relative key, on both sides:
 * hidden keys are out unless `includeHidden`; then the patterns decide, in
 * order, the last match winning. Without patterns everything is in; with
 * only includes, a key no pattern matches is out; otherwise it is in (MSC).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyFilter = (
  patterns: ReadonlyArray<SyncPattern>,
  includeHidden: boolean
): (key: string) => boolean => {
  const compiled = patterns.map((pattern) => ({ include: pattern.kind === "include", regex: fnmatchRegex(pattern.glob) }))
  const initial = !(compiled.length > 0 && compiled.every((pattern) => pattern.include))
  return (key) => {
    if (!includeHidden && isHiddenKey(key)) return false
    let included = initial
    for (const pattern of compiled) {
      if (pattern.regex.test(key)) included = pattern.include
    }
    return included
  }
}
