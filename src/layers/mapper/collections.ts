/**
 * Arrays and tuples: JSON lists. A tuple's length is checked (optional
 * trailing elements may be left out); strings and mappings are not lists.
 *
 * @since 0.1.0
 */
import type { SchemaAST } from "effect"
import type { Compiler, Converter, FailureProblem, Plan } from "../../services/MapperModule.ts"
import { fail, MappingFailure } from "../../services/MapperModule.ts"
import { mismatch } from "./describe.ts"
import { gather, rethrowAt } from "./trace.ts"

type Direction = "decode" | "encode"

/** Converts every item with its plan; with `collectAll`, every bad item is reported. */
const mapItems = (items: ReadonlyArray<unknown>, planAt: (index: number) => Plan, direction: Direction, collectAll: boolean) => {
  const out: Array<unknown> = []
  if (!collectAll) {
    let i = 0
    try {
      for (; i < items.length; i++) out.push(planAt(i)[direction](items[i]))
    } catch (error) {
      return rethrowAt(error, i, planAt(i).label)
    }
    return out
  }
  const problems: Array<FailureProblem> = []
  for (let i = 0; i < items.length; i++) {
    try {
      out.push(planAt(i)[direction](items[i]))
    } catch (error) {
      out.push(undefined)
      gather(problems, error, i, planAt(i).label)
    }
  }
  if (problems.length > 0) throw new MappingFailure(problems)
  return out
}

/** The common case, one plan for every item, without a call per item to find it. */
const mapList = (items: ReadonlyArray<unknown>, convert: (value: unknown) => unknown, label: string) => {
  const out: Array<unknown> = []
  let i = 0
  try {
    for (; i < items.length; i++) out.push(convert(items[i]))
  } catch (error) {
    return rethrowAt(error, i, label)
  }
  return out
}

const listPlan = (ast: SchemaAST.Arrays, compiler: Compiler): Plan => {
  const item = compiler.plan(ast.rest[0]!)
  const label = compiler.label(ast)
  const itemAt = () => item
  const convert = (items: ReadonlyArray<unknown>, direction: Direction) =>
    compiler.collectAll ? mapItems(items, itemAt, direction, true) : mapList(items, item[direction], item.label)
  return {
    label,
    decode: (payload) => Array.isArray(payload) ? convert(payload, "decode") : mismatch("a list", payload),
    encode: (value) => Array.isArray(value) ? convert(value, "encode") : mismatch("an array", value)
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
      if (!Array.isArray(payload)) return mismatch("a list", payload)
      checkLength(payload)
      return mapItems(payload, planAt, "decode", compiler.collectAll)
    },
    encode: (value) => {
      if (!Array.isArray(value)) return mismatch("an array", value)
      checkLength(value)
      return mapItems(value, planAt, "encode", compiler.collectAll)
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
