/**
 * Contract YAML to a `Contract`: the config helpers read the text with the
 * position of every node, Effect Schema decodes it, and every problem becomes
 * one line `file:line:column: json.path: sentence`. One module on purpose:
 * when the object mapper lands, only this file changes.
 *
 * Beyond the schema, it checks what the reference engine checks when it
 * compiles (see `compile.ts`), plus rules the schema cannot say: a field
 * name is not empty and is unique among its siblings.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { Contract, ContractError } from "../../services/Contracts.ts"
import type { FieldDefinition } from "../../services/Contracts.ts"
import { problemsFromIssue } from "../config/issues.ts"
import { parseYaml } from "../config/parseText.ts"
import type { Path, Problem, SourceFile } from "../config/problems.ts"
import { toConfigError } from "../config/problems.ts"

/** Glossary entries may say `term`/`definition` (the reference accepts both spellings). */
const withGlossaryAliases = (value: unknown): unknown => {
  if (typeof value !== "object" || value === null || !Array.isArray((value as { glossary?: unknown }).glossary)) return value
  const glossary = ((value as { glossary: Array<unknown> }).glossary).map((entry) => {
    if (typeof entry !== "object" || entry === null) return entry
    const { term, definition, ...rest } = entry as Record<string, unknown>
    return { ...(term === undefined ? {} : { field: term }), ...(definition === undefined ? {} : { description: definition }), ...rest }
  })
  return { ...(value as object), glossary }
}

/** Names that are empty or repeated among siblings, which would make paths ambiguous. */
const nameProblems = (fields: ReadonlyArray<FieldDefinition>, base: Path): Array<Problem> => {
  const problems: Array<Problem> = []
  const seen = new Set<string>()
  fields.forEach((field, index) => {
    const path = [...base, index]
    if (field.name === "") problems.push({ path: [...path, "name"], message: "a field name must not be empty" })
    else if (seen.has(field.name)) {
      problems.push({ path: [...path, "name"], message: `field '${field.name}' is declared twice at this level` })
    }
    seen.add(field.name)
    if (field.properties !== undefined) problems.push(...nameProblems(field.properties, [...path, "properties"]))
  })
  return problems
}

const toContractError = (problems: ReadonlyArray<Problem>, sources: ReadonlyArray<SourceFile>, file: string) => {
  const error = toConfigError(problems, sources, file)
  return new ContractError({
    message: error.message,
    file,
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.line === undefined ? {} : { line: error.line }),
    ...(error.column === undefined ? {} : { column: error.column })
  })
}

/**
 * Parses and decodes contract YAML (JSON is YAML too).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseContractYaml = (text: string, file: string): Result.Result<Contract, ContractError> => {
  // YAML 1.2, as the reference's serde_yaml: a field named `n`, `on` or `no` is a name, not a boolean.
  const parsed = parseYaml(text, file, { version: "1.2" })
  if (Result.isFailure(parsed)) {
    const { message, position } = parsed.failure
    return Result.fail(toContractError([{ path: [], file, position, message }], [], file))
  }
  const { source, value } = parsed.success
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return Result.fail(toContractError([{ path: [], message: "a contract must be a mapping with version, name and ontology" }], [source], file))
  }
  const decoded = Schema.decodeUnknownResult(Contract)(withGlossaryAliases(value), { errors: "all" })
  if (Result.isFailure(decoded)) {
    // `version: 1.0` is the classic slip: YAML reads the number 1.
    const version = (value as { version?: unknown }).version
    const problems = problemsFromIssue(decoded.failure.issue).map((problem) =>
      typeof version === "number" && problem.path.length === 1 && problem.path[0] === "version"
        ? { ...problem, message: `expected a string, got a number; quote it, as in version: "1.0"` }
        : problem
    )
    return Result.fail(toContractError(problems.length > 0 ? problems : [{ path: [], message: decoded.failure.message }], [source], file))
  }
  const names = nameProblems(decoded.success.ontology.entities, ["ontology", "entities"])
  return names.length > 0 ? Result.fail(toContractError(names, [source], file)) : Result.succeed(decoded.success)
}
