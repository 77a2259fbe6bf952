/**
 * Glob patterns over object keys, with MSC's semantics (wcmatch `globmatch`
 * with GLOBSTAR and without DOTGLOB or BRACE): `*` and `?` stay inside one
 * "/"-separated segment, `[...]` is a character class (`!` or `^` negates,
 * `a-z` ranges, POSIX classes such as `[:digit:]`), a segment that is exactly
 * `**` matches any number of whole segments, `\` makes the next character
 * literal, and wildcards never match a segment that starts with "." unless the
 * pattern spells the dot. Braces are not expanded (MSC does not either).
 *
 * Effect's `Glob` module was considered and not used: it expands braces,
 * which MSC does not, and it is marked experimental.
 *
 * @since 0.1.0
 */

/**
 * A glob compiled once, to match many keys.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompiledGlob {
  readonly pattern: string
  readonly regex: RegExp
  /** The pattern ended with "/": only directories match. */
  readonly directoriesOnly: boolean
}

/** The characters that make a segment a pattern (MSC's `extract_prefix_from_glob`). */
const GLOB_CHARS = /[*?[\]{}]/

/**
 * Whether a path segment (or any string) contains glob syntax.
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasGlobChars = (text: string): boolean => GLOB_CHARS.test(text)

/**
 * Splits a key pattern into the literal directory to list (empty or ending
 * with "/") and the pattern below it. Without glob syntax the last segment is
 * the pattern, so a plain path matches itself when it exists.
 *
 * @since 0.1.0
 * @category parsing
 */
export const splitGlob = (pattern: string): { readonly prefix: string; readonly rest: string } => {
  const segments = pattern.split("/")
  let first = segments.findIndex(hasGlobChars)
  if (first < 0) first = Math.max(0, segments.length - 1)
  // A plain path with a trailing "/" ends in an empty segment: the pattern is the segment before it.
  if (first > 0 && segments[first] === "") first -= 1
  const prefix = segments.slice(0, first).join("/")
  return { prefix: prefix === "" ? "" : prefix + "/", rest: segments.slice(first).join("/") }
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "a-zA-Z0-9",
  alpha: "a-zA-Z",
  blank: " \\t",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "\\x21-\\x7e",
  lower: "a-z",
  print: "\\x20-\\x7e",
  punct: "!-\\/:-@\\[-`{-~",
  space: " \\t\\n\\r\\f\\v",
  upper: "A-Z",
  word: "\\w",
  xdigit: "0-9A-Fa-f"
}

/** Escapes a character for use inside a RegExp character class (unicode mode). */
const classChar = (char: string): string => (/[\\\][^-]/.test(char) ? "\\" + char : char)

/** Escapes a character for use outside a character class (unicode mode). */
const literalChar = (char: string): string => (/[\\^$.*+?()[\]{}|/]/.test(char) ? "\\" + char : char)

/**
 * Parses the class starting at `chars[start]` (a "["). Returns the RegExp for
 * one character and the index after the closing "]", or undefined when the
 * class is not closed (then "[" is literal, as in wcmatch).
 */
const parseClass = (
  chars: ReadonlyArray<string>,
  start: number
): { readonly source: string; readonly next: number } | undefined => {
  let i = start + 1
  let negated = false
  if (chars[i] === "!" || chars[i] === "^") {
    negated = true
    i++
  }
  const members: Array<string> = []
  let first = true
  while (i < chars.length) {
    const char = chars[i]!
    if (char === "]" && !first) {
      // "/" never matches: classes stay inside one segment.
      const body = members.join("")
      const source = negated
        ? `[^/${body}]`
        : body === ""
        ? "(?!)"
        : `(?!/)[${body}]`
      return { source, next: i + 1 }
    }
    first = false
    if (char === "[" && chars[i + 1] === ":") {
      const close = chars.indexOf(":", i + 2)
      if (close > 0 && chars[close + 1] === "]") {
        const name = chars.slice(i + 2, close).join("")
        const expansion = POSIX_CLASSES[name]
        if (expansion !== undefined) {
          members.push(expansion)
          i = close + 2
          continue
        }
      }
    }
    let from = char
    i++
    if (from === "\\" && i < chars.length) {
      from = chars[i]!
      i++
    }
    if (chars[i] === "-" && i + 1 < chars.length && chars[i + 1] !== "]") {
      let to = chars[i + 1]!
      i += 2
      if (to === "\\" && i < chars.length) {
        to = chars[i]!
        i++
      }
      // A reversed range matches nothing (as in fnmatch), and would be a RegExp syntax error.
      if (from.codePointAt(0)! <= to.codePointAt(0)!) members.push(`${classChar(from)}-${classChar(to)}`)
      continue
    }
    members.push(classChar(from))
  }
  return undefined
}

/** RegExp source for one segment that is not `**`. */
const segmentSource = (segment: string): string => {
  const chars = Array.from(segment) // code points, so "?" matches one character
  let out = ""
  let i = 0
  while (i < chars.length) {
    const char = chars[i]!
    if (char === "*") {
      while (chars[i] === "*") i++
      out += "[^/]*"
      continue
    }
    if (char === "?") {
      out += "[^/]"
      i++
      continue
    }
    if (char === "[") {
      const parsed = parseClass(chars, i)
      if (parsed !== undefined) {
        out += parsed.source
        i = parsed.next
        continue
      }
    }
    if (char === "\\" && i + 1 < chars.length) {
      out += literalChar(chars[i + 1]!)
      i += 2
      continue
    }
    out += literalChar(char)
    i++
  }
  // Hidden names only match when the segment starts with a literal ".".
  const spellsDot = chars[0] === "." || (chars[0] === "\\" && chars[1] === ".")
  return spellsDot ? out : `(?!\\.)${out}`
}

/** One whole segment that does not start with ".". */
const ANY_SEGMENT = "(?!\\.)[^/]+"

/**
 * Compiles a glob over "/"-separated keys (relative, no leading "/").
 *
 * @since 0.1.0
 * @category constructors
 */
export const compileGlob = (pattern: string): CompiledGlob => {
  const directoriesOnly = pattern.endsWith("/")
  const raw = (directoriesOnly ? pattern.slice(0, -1) : pattern).split("/")
  // `**/**` is `**`.
  const segments = raw.filter((segment, i) => !(segment === "**" && raw[i - 1] === "**"))
  let source = ""
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === "**") {
      // Inside the pattern: zero or more segments, each with its "/". At the
      // end: one or more, so `a/**` is everything below `a`, not `a` itself.
      source += last ? `(?:${ANY_SEGMENT}/)*${ANY_SEGMENT}` : `(?:${ANY_SEGMENT}/)*`
      return
    }
    source += segmentSource(segment)
    if (!last) source += "/"
  })
  return { pattern, regex: new RegExp(`^${source}$`, "u"), directoriesOnly }
}

/**
 * Whether a key (a file, or a directory when `isDirectory`) matches.
 *
 * @since 0.1.0
 * @category predicates
 */
export const matchGlob = (glob: CompiledGlob, key: string, isDirectory = false): boolean =>
  (isDirectory || !glob.directoriesOnly) && glob.regex.test(key)

/**
 * Adds the directories a file key implies to a set: every proper parent path,
 * without a trailing "/" (`a/b/c.txt` implies `a` and `a/b`).
 *
 * @since 0.1.0
 * @category utils
 */
export const addImpliedDirectories = (directories: Set<string>, key: string): void => {
  let slash = key.lastIndexOf("/")
  while (slash > 0) {
    const directory = key.slice(0, slash)
    // Deepest first, so a known directory's parents are known already.
    if (directories.has(directory)) return
    directories.add(directory)
    slash = key.lastIndexOf("/", slash - 1)
  }
}

/**
 * The directories implied by a set of file keys (see `addImpliedDirectories`).
 *
 * @since 0.1.0
 * @category utils
 */
export const impliedDirectories = (keys: Iterable<string>): Set<string> => {
  const directories = new Set<string>()
  for (const key of keys) addImpliedDirectories(directories, key)
  return directories
}
