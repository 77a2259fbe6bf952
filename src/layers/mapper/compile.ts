/**
 * The plan compiler: a schema's AST plus a module plus settings become a
 * tree of plans, once, cached by AST node, so converting a value does no
 * lookups by name or by setting. Schema checks (filters) run after a value
 * is decoded.
 *
 * @since 0.1.0
 */
import { SchemaAST, SchemaIssue } from "effect"
import type { Compiler, ModuleShape, Plan } from "../../services/MapperModule.ts"
import { fail } from "../../services/MapperModule.ts"
import type { Setting, SettingsShape, SettingTag } from "../../services/MapperSettings.ts"
import { settingsOf } from "../../services/MapperSettings.ts"
import { expected as expectedMessage, labelOf } from "./describe.ts"

/** The settings sources in databind's order, past the annotations. */
interface Sources extends SettingsShape {
  readonly perCall: ReadonlyArray<Setting>
}

const resolve = (sources: Sources, tag: SettingTag, ast: SchemaAST.AST): Setting | undefined => {
  let best: Setting | undefined
  const consider = (settings: ReadonlyArray<Setting> | undefined) => {
    if (settings === undefined) return
    for (const setting of settings) {
      if (setting._tag === tag && (best === undefined || setting.priority > best.priority)) best = setting
    }
  }
  consider(settingsOf(ast))
  for (const [type, settings] of sources.local) if (type === ast) consider(settings)
  for (const provider of sources.providers) consider(provider(ast))
  consider(sources.perCall)
  consider(sources.global)
  return best
}

const checkMessage = (issue: SchemaIssue.Issue, value: unknown): string => {
  const filter = issue instanceof SchemaIssue.Filter ? issue : undefined
  const inner = filter?.issue as { readonly annotations?: { readonly message?: unknown } } | undefined
  const message = filter?.filter.annotations?.message ?? inner?.annotations?.message
  if (typeof message === "string") return message
  const expected = filter?.filter.annotations?.expected
  if (typeof expected === "string") return expectedMessage(expected, value)
  return SchemaIssue.makeFormatterDefault()(issue).split("\n")[0] ?? "is not valid"
}

const REPORT_INPUT = { reportInput: true } as const

/** Failed checks of a value (the first only, unless collecting), as Schema issues. */
const runChecks = (
  checks: ReadonlyArray<SchemaAST.Check<unknown>>,
  value: unknown,
  ast: SchemaAST.AST,
  options: SchemaAST.ParseOptions,
  out: Array<SchemaIssue.Issue> = []
): Array<SchemaIssue.Issue> => {
  for (const check of checks) {
    if (check._tag === "FilterGroup") runChecks(check.checks, value, ast, options, out)
    else {
      const issue = check.run(value, ast, options)
      if (issue !== undefined) out.push(new SchemaIssue.Filter(check, issue, value, REPORT_INPUT))
    }
    if (out.length > 0 && options.errors !== "all") return out
  }
  return out
}

/** The first failing check of a value, as a failure (all of them when collecting). */
const withChecks = (plan: Plan, ast: SchemaAST.AST, collectAll: boolean): Plan => {
  const checks = ast.checks!
  const options: SchemaAST.ParseOptions = { errors: collectAll ? "all" : "first", reportInput: true }
  return {
    label: plan.label,
    encode: plan.encode,
    decode: (payload) => {
      const value = plan.decode(payload)
      const issues = runChecks(checks, value, ast, options)
      if (issues.length === 0) return value
      return fail(checkMessage(issues[0]!, value), {
        issue: new SchemaIssue.Composite(ast, issues as [SchemaIssue.Issue], value, REPORT_INPUT)
      })
    }
  }
}

/**
 * A compiler over one module and one set of settings; its plans are cached
 * for its lifetime.
 *
 * @since 0.1.0
 * @category compiling
 */
export const makeCompiler = (
  module: ModuleShape,
  settings: SettingsShape,
  perCall: ReadonlyArray<Setting>,
  collectAll: boolean
): Compiler => {
  const sources: Sources = { ...settings, perCall }
  const cache = new WeakMap<SchemaAST.AST, Plan>()
  const build = (ast: SchemaAST.AST): Plan => {
    if (SchemaAST.isSuspend(ast)) {
      // Recursive schemas: the inner plan is compiled on first use.
      let inner: Plan | undefined
      return {
        label: labelOf(ast),
        decode: (payload) => (inner ??= compiler.plan(ast.thunk())).decode(payload),
        encode: (value) => (inner ??= compiler.plan(ast.thunk())).encode(value)
      }
    }
    for (const converter of module.converters) {
      const plan = converter.compile(ast, compiler)
      if (plan !== undefined) return ast.checks === undefined ? plan : withChecks(plan, ast, collectAll)
    }
    const label = labelOf(ast)
    const none = () => fail(`no converter for ${label} in the ${module.name} module`)
    return { label, decode: none, encode: none }
  }
  const compiler: Compiler = {
    collectAll,
    label: labelOf,
    setting: (tag, ast) => resolve(sources, tag, ast) as never,
    plan: (ast) => {
      let plan = cache.get(ast)
      if (plan === undefined) {
        plan = build(ast)
        cache.set(ast, plan)
      }
      return plan
    }
  }
  return compiler
}
