/**
 * Schema issues as config problems: each leaf of the issue tree becomes one
 * `Problem` at its JSON path, worded for someone editing a YAML file
 * ("unknown key 'optons' (expected one of: type, options)", "expected a
 * number, got 'x'").
 *
 * @since 0.1.0
 */
import { SchemaAST, SchemaIssue } from "effect"
import type { Schema } from "effect"
import type { Path, Problem } from "./problems.ts"
import { isSecretKey } from "./secrets.ts"

/** How a schema node reads in "expected ...". */
const describeAst = (ast: SchemaAST.AST): string => {
  if (SchemaAST.isString(ast)) return "a string"
  if (SchemaAST.isNumber(ast)) return "a number"
  if (SchemaAST.isBoolean(ast)) return "a boolean (true or false)"
  if (SchemaAST.isNull(ast)) return "null"
  if (SchemaAST.isUndefined(ast) || SchemaAST.isVoid(ast)) return "nothing"
  if (SchemaAST.isLiteral(ast)) return typeof ast.literal === "string" ? `'${ast.literal}'` : String(ast.literal)
  if (SchemaAST.isArrays(ast)) return "a list"
  if (SchemaAST.isObjects(ast) || SchemaAST.isObjectKeyword(ast)) return "a mapping"
  if (SchemaAST.isUnion(ast)) {
    const members = ast.types.filter((member) => !SchemaAST.isUndefined(member)).map(describeAst)
    return members.length === 1 ? members[0]! : `one of ${members.join(", ")}`
  }
  return "a valid value"
}

/**
 * How a rejected input reads in "got ...". Strings at credential-looking
 * keys are not shown: they may be secrets.
 *
 * @since 0.1.0
 * @category utils
 */
export const describeInput = (input: unknown, path: Path): string => {
  if (input === null) return "null"
  if (input === undefined) return "nothing"
  if (typeof input === "string") {
    const key = path.at(-1)
    if (path.includes("credentials_provider") || (typeof key === "string" && isSecretKey(key))) return "a string"
    return `'${input.length > 60 ? `${input.slice(0, 57)}...` : input}'`
  }
  if (typeof input === "number" || typeof input === "boolean") return String(input)
  if (Array.isArray(input)) return "a list"
  if (input instanceof Date) return "a date"
  return "a mapping"
}

const got = (issue: SchemaIssue.Issue, path: Path): string =>
  "input" in issue ? `, got ${describeInput(issue.input, path)}` : ""

const messageOf = (annotations: { readonly [key: string]: unknown } | undefined): string | undefined => {
  const message = annotations?.["message"]
  return typeof message === "string" ? message : undefined
}

const keysOf = (ast: SchemaAST.AST): ReadonlyArray<string> =>
  SchemaAST.isObjects(ast) ? ast.propertySignatures.map((property) => String(property.name)) : []

/**
 * The problems of one issue tree, with `base` prefixed to every path.
 *
 * @since 0.1.0
 * @category utils
 */
export const problemsFromIssue = (issue: SchemaIssue.Issue, base: Path = []): Array<Problem> => {
  const out: Array<Problem> = []
  const walk = (node: SchemaIssue.Issue, path: Path, override: string | undefined): void => {
    if (node instanceof SchemaIssue.Pointer) {
      return walk(node.issue, [...path, ...node.path.map((step) => typeof step === "number" ? step : String(step))], override)
    }
    if (node instanceof SchemaIssue.Composite) return node.issues.forEach((child) => walk(child, path, override))
    if (node instanceof SchemaIssue.AnyOf) {
      if (node.issues.length > 0) return node.issues.forEach((child) => walk(child, path, override))
      out.push({ path, message: override ?? `expected ${describeAst(node.ast)}${got(node, path)}` })
      return
    }
    if (node instanceof SchemaIssue.Encoding) return walk(node.issue, path, override)
    if (node instanceof SchemaIssue.Filter) {
      // A filter's own message, or "expected <what the filter wants>" for built-in checks.
      const inner = node.issue
      const expected = node.filter.annotations?.expected
      const message = override ?? messageOf(node.filter.annotations) ??
        (inner instanceof SchemaIssue.InvalidValue && messageOf(inner.annotations) === undefined &&
            typeof expected === "string"
          ? `expected ${expected}${got(node, path)}`
          : undefined)
      return walk(inner, path, message)
    }
    if (node instanceof SchemaIssue.UnexpectedKey) {
      const known = keysOf(node.ast)
      out.push({
        path,
        at: "key",
        subject: path.slice(0, -1),
        message: override ??
          `unknown key '${String(path.at(-1))}' (expected one of: ${known.length === 0 ? "nothing" : known.join(", ")})`
      })
      return
    }
    if (node instanceof SchemaIssue.MissingKey) {
      out.push({
        path: path.slice(0, -1),
        at: "key",
        subject: path.slice(0, -1),
        message: override ?? messageOf(node.annotations) ?? `missing required key '${String(path.at(-1))}'`
      })
      return
    }
    if (node instanceof SchemaIssue.InvalidType) {
      out.push({ path, message: override ?? `expected ${describeAst(node.ast)}${got(node, path)}` })
      return
    }
    if (node instanceof SchemaIssue.InvalidValue) {
      // `at: "key"` marks rules about a mapping key (a profile name, a path_mapping prefix).
      const at = node.annotations?.["at"] === "key" ? "key" : "value"
      out.push({
        path,
        at,
        subject: at === "key" ? path.slice(0, -1) : path,
        message: override ?? messageOf(node.annotations) ?? `invalid value${got(node, path)}`
      })
      return
    }
    if (node instanceof SchemaIssue.OneOf) {
      out.push({ path, message: override ?? "matches more than one of the allowed forms" })
      return
    }
    out.push({ path, message: override ?? messageOf(node.annotations) ?? "cannot be checked here" })
  }
  walk(issue, base, undefined)
  return out
}

/**
 * A decoding error as one line, for data rather than config files (a stored
 * JSON Lines record): "Expected string\n  at ["parts"][0]["path"]" becomes
 * "parts.0.path: expected string"; several issues are joined with "; ".
 *
 * @since 0.1.0
 * @category utils
 */
export const issueText = (error: Schema.SchemaError): string =>
  error.message.split("\n").reduce<Array<string>>((out, line) => {
    const at = /^\s*at (\[.*\])$/.exec(line)
    if (at === null || out.length === 0) return [...out, line.replace(/^Expected/, "expected")]
    const path = Array.from(at[1]!.matchAll(/\[(?:"((?:[^"\\]|\\.)*)"|(\d+))\]/g), (m) => m[1] ?? m[2]).join(".")
    return [...out.slice(0, -1), `${path}: ${out.at(-1)}`]
  }, []).join("; ")
