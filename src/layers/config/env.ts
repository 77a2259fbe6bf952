/**
 * `${VAR}` and `$VAR` in config strings, as MSC expands them (Python's
 * `os.path.expandvars`, then a hard error for anything left unresolved).
 *
 * - Every string value of the document is expanded; mapping keys are not.
 * - `$NAME` takes the longest run of letters, digits and `_`; `${NAME}` ends
 *   at the first `}`.
 * - A variable that is set (even to "") is substituted. One that is not set
 *   is an error naming it and the JSON path, when its name starts with a
 *   letter or `_` (or is braced): a literal `$word` in a secret breaks
 *   loading, exactly as in MSC. `$5`, `${}` and a lone `$` stay as they are.
 * - There is no escape for a literal `$` (MSC has none either).
 *
 * @since 0.1.0
 */
import type { Path, Problem } from "./problems.ts"

/** A reference, as `os.path.expandvars` finds it. */
const REFERENCE = /\$(\w+|\{[^}]*\})/g

/**
 * The environment a config is expanded with.
 *
 * @since 0.1.0
 * @category models
 */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * A string with its references replaced, and the names that were not set.
 *
 * @since 0.1.0
 * @category utils
 */
export const expandString = (text: string, env: Env): { readonly text: string; readonly unresolved: ReadonlyArray<string> } => {
  const unresolved: Array<string> = []
  const expanded = text.replace(REFERENCE, (reference, body: string) => {
    const braced = body.startsWith("{")
    const name = braced ? body.slice(1, -1) : body
    const value = Object.hasOwn(env, name) ? env[name] : undefined
    if (value !== undefined) return value
    if (braced ? name !== "" : /^[A-Za-z_]/.test(name)) unresolved.push(braced ? `\${${name}}` : `$${name}`)
    return reference
  })
  return { text: expanded, unresolved }
}

/**
 * The value with every string expanded, and a problem per string that
 * referenced unset variables.
 *
 * @since 0.1.0
 * @category utils
 */
export const expandEnv = (value: unknown, env: Env): { readonly value: unknown; readonly problems: Array<Problem> } => {
  const problems: Array<Problem> = []
  const walk = (node: unknown, path: Path): unknown => {
    if (typeof node === "string") {
      const { text, unresolved } = expandString(node, env)
      if (unresolved.length > 0) {
        problems.push({
          path,
          message: `unresolved environment variable${unresolved.length === 1 ? "" : "s"} ${unresolved.join(", ")} (${
            unresolved.length === 1 ? "it is" : "they are"
          } not set)`
        })
      }
      return text
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]))
    if (node !== null && typeof node === "object" && !(node instanceof Date)) {
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner, [...path, key])]))
    }
    return node
  }
  return { value: walk(value, []), problems }
}
