/**
 * Arrays and tuples: JSON lists. A tuple's length is checked (optional
 * trailing elements may be left out); strings and mappings are not lists.
 *
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import type { Compiler, Converter, FailureProblem, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import { expected } from "./describe.ts"
import { gather, rethrowAt } from "./trace.ts"

type Step = (input: unknown) => unknown

/** Maps `step` over a list; with `collectAll`, every bad item is reported. */
const mapItems = (items: ReadonlyArray<unknown>, stepAt: (index: number) => Step, labelAt: (index: number) => string, collectAll: boolean) => {
  const out = new Array<unknown>(items.length)
  if (!collectAll) {
    let i = 0
    try {
      for (; i < items.length; i++) out[i] = stepAt(i)(items[i])
    } catch (error) {
      return rethrowAt(error, i, labelAt(i))
    }
    return out
  }
  const problems: Array<FailureProblem> = []
  for (let i = 0; i < items.length; i++) {
    try {
      out[i] = stepAt(i)(items[i])
    } catch (error) {
      gather(problems, error, i, labelAt(i))
    }
  }
  if (problems.length > 0) throw new MappingFailure(problems)
  return out
}

const listPlan = (ast: SchemaAST.Arrays, compiler: Compiler): Plan => {
  const item = compiler.plan(ast.rest[0]!)
  const label = compiler.label(ast)
  const decodeAt = () => item.decode
  const encodeAt = () => item.encode
  const labelAt = () => item.label
  return {
    label,
    decode: (payload) =>
      Array.isArray(payload) ? mapItems(payload, decodeAt, labelAt, compiler.collectAll) : fail(expected("a list", payload)),
    encode: (value) =>
      Array.isArray(value) ? mapItems(value, encodeAt, labelAt, compiler.collectAll) : fail(expected("an array", value))
  }
}

const tuplePlan = (ast: SchemaAST.Arrays, compiler: Compiler): Plan => {
  const elements = ast.elements.map((element) => compiler.plan(element))
  const rest = ast.rest[0] === undefined ? undefined : compiler.plan(ast.rest[0])
  const minimum = ast.elements.filter((element) => element.context?.isOptional !== true).length
  const label = compiler.label(ast)
  const planAt = (index: number) => (elements[index] ?? rest)!
  const checkLength = (items: ReadonlyArray<unknown>) => {
    if (items.length < minimum || (rest === undefined && items.length > elements.length)) {
      const wanted = minimum === elements.length ? `${minimum}` : `${minimum} to ${elements.length}`
      fail(`expected a list of ${rest === undefined ? wanted : `at least ${minimum}`} item(s), found ${items.length}`)
    }
  }
  return {
    label,
    decode: (payload) => {
      if (!Array.isArray(payload)) return fail(expected("a list", payload))
      checkLength(payload)
      return mapItems(payload, (i) => planAt(i).decode, (i) => planAt(i).label, compiler.collectAll)
    },
    encode: (value) => {
      if (!Array.isArray(value)) return fail(expected("an array", value))
      checkLength(value)
      return mapItems(value, (i) => planAt(i).encode, (i) => planAt(i).label, compiler.collectAll)
    }
  }
}

/**
 * @since 0.1.0
 * @category converters
 */
export const collections: Converter = {
  name: "collections",
  compile: (ast, compiler) => {
    if (ast._tag !== "Arrays") return undefined
    return ast.elements.length === 0 && ast.rest.length === 1 ? listPlan(ast, compiler) : tuplePlan(ast, compiler)
  }
}
