/**
 * Failures on their way up a plan tree, and the `MapperError` they become:
 * each container adds its step (key and datatype) to the trace; at the top
 * the path, the location and the trace text are filled in, databind style:
 * `$` root, `.name` keys, `[i]` indexes, `^` unnamed steps, `In "file"`
 * and `(at line:column)` when the payload came from text.
 *
 * @since 0.1.0
 */
import type { FailureProblem } from "../../services/MapperModule.ts"
import { MappingFailure } from "../../services/MapperModule.ts"
import type { Direction, MapperProblem, MapOptions } from "../../services/ObjectMapper.ts"
import { MapperError } from "../../services/ObjectMapper.ts"

/**
 * Adds one step to every problem of a failure, then rethrows it; anything
 * else thrown by a converter becomes a failure naming it.
 *
 * @since 0.1.0
 * @category failures
 */
export const rethrowAt = (error: unknown, key: string | number | undefined, label: string): never => {
  const failure = asFailure(error)
  for (const problem of failure.problems) problem.steps.unshift({ key, label })
  throw failure
}

/**
 * @since 0.1.0
 * @category failures
 */
export const asFailure = (error: unknown): MappingFailure =>
  error instanceof MappingFailure
    ? error
    : new MappingFailure([{
      steps: [],
      message: `a converter failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`
    }])

/**
 * Collects the problems of several failures (for `errors: "all"`).
 *
 * @since 0.1.0
 * @category failures
 */
export const gather = (into: Array<FailureProblem>, error: unknown, key: string | number | undefined, label: string): void => {
  for (const problem of asFailure(error).problems) {
    problem.steps.unshift({ key, label })
    into.push(problem)
  }
}

/**
 * Rethrows with a step, or, when collecting, adds the problems to `problems`.
 *
 * @since 0.1.0
 * @category failures
 */
export const problemOr = (problems: Array<FailureProblem> | undefined, error: unknown, key: string | undefined, label: string): void => {
  if (problems === undefined) rethrowAt(error, key, label)
  else gather(problems, error, key, label)
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/

const stepText = (key: string | number | undefined): string =>
  key === undefined ? "^" : typeof key === "number" ? `[${key}]` : PLAIN_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`

/**
 * A JSON path as users read it: `items[1].id`, `labels["a b"]`.
 *
 * @since 0.1.0
 * @category utils
 */
export const formatPath = (path: ReadonlyArray<string | number>): string =>
  path.map((key, index) => index === 0 && typeof key === "string" && PLAIN_KEY.test(key) ? key : stepText(key)).join("")

const sentence = (text: string): string => /[.!?]$/.test(text) ? text : `${text}.`

const toProblem = (problem: FailureProblem, rootLabel: string, options: MapOptions): MapperProblem => {
  const path: Array<string | number> = []
  const trace: Array<string> = []
  const positionOf = (atKey?: boolean) => {
    const node = options.positions?.get(JSON.stringify(path))
    return atKey === true ? node?.key ?? node?.value : node?.value
  }
  const line = (key: string, label: string) => {
    const position = positionOf()
    trace.push(`${key}: ${label}${position === undefined ? "" : ` (at ${position.line}:${position.column})`}`)
  }
  line("$", rootLabel)
  for (const step of problem.steps) {
    if (step.key !== undefined) path.push(step.key)
    line(stepText(step.key), step.label)
  }
  const position = positionOf(problem.kind !== undefined)
  return {
    path,
    message: problem.message,
    trace,
    ...(problem.kind === undefined ? {} : { kind: problem.kind }),
    ...(problem.expected === undefined ? {} : { expected: problem.expected, input: problem.input }),
    ...(position === undefined ? {} : { line: position.line, column: position.column }),
    ...(problem.issue === undefined ? {} : { issue: problem.issue })
  }
}

/**
 * The error of a failed conversion: one `file:line:column: path: sentence`
 * line per problem, then the first problem's trace.
 *
 * @since 0.1.0
 * @category failures
 */
export const toMapperError = (
  error: unknown,
  direction: Direction,
  rootLabel: string,
  options: MapOptions
): MapperError => {
  const problems = asFailure(error).problems.map((problem) => toProblem(problem, rootLabel, options))
  const file = options.filename
  const lines = problems.map((problem) => {
    const place = file === undefined
      ? ""
      : `${file}${problem.line === undefined ? "" : `:${problem.line}:${problem.column}`}: `
    const path = formatPath(problem.path)
    return sentence(`${place}${path === "" ? "" : `${path}: `}${problem.message}`)
  })
  const trace = problems[0]?.trace ?? []
  const indent = file === undefined ? "  " : "    "
  const message = [
    ...lines,
    "",
    `Trace (${direction}):`,
    ...(file === undefined ? [] : [`  In "${file}"`]),
    ...trace.map((line) => `${indent}${line}`)
  ].join("\n")
  return new MapperError({ direction, message, problems, ...(file === undefined ? {} : { file }) })
}
