/**
 * The `Contracts` service: YAML decoding (`contracts/contractYaml.ts`),
 * compile-time checks with the reference engine's messages, the generated
 * validator (`contracts/compile.ts`), batch uniqueness and PII transforms
 * (`contracts/transforms.ts`).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Result } from "effect"
import { ContractError, Contracts } from "../services/Contracts.ts"
import type { CompiledContract, CompileOptions, Contract, FieldDefinition, ValidationResult, Violation } from "../services/Contracts.ts"
import { generateValidator } from "./contracts/compile.ts"
import { parseContractYaml } from "./contracts/contractYaml.ts"
import { validateEnvelope } from "./contracts/envelope.ts"
import { debugType, Messages } from "./contracts/messages.ts"
import { valueAt } from "./contracts/runtime.ts"
import { makeTransform, needsSalt, transformedFields } from "./contracts/transforms.ts"

/** Every pattern, compiled; array item patterns too (the reference skips them, silently). */
const compilePatterns = (fields: ReadonlyArray<FieldDefinition>): Result.Result<Map<FieldDefinition, RegExp>, ContractError> => {
  const patterns = new Map<FieldDefinition, RegExp>()
  const visit = (field: FieldDefinition, path: string): ContractError | undefined => {
    if (field.pattern !== undefined) {
      try {
        // `u`: code points and strict syntax, closer to Rust's `regex` than legacy JS mode.
        patterns.set(field, new RegExp(field.pattern, "u"))
      } catch (error) {
        return new ContractError({
          message: `Invalid regex '${field.pattern}' for field '${path}': ${(error as Error).message}`,
          path
        })
      }
    }
    for (const child of field.type === "object" ? field.properties ?? [] : []) {
      const failed = visit(child, `${path}.${child.name}`)
      if (failed !== undefined) return failed
    }
    return field.type === "array" && field.items !== undefined ? visit(field.items, `${path}[]`) : undefined
  }
  for (const field of fields) {
    const failed = visit(field, field.name)
    if (failed !== undefined) return Result.fail(failed)
  }
  return Result.succeed(patterns)
}

const checkTransforms = (contract: Contract, options: CompileOptions): ContractError | undefined => {
  for (const { field, path, transform } of transformedFields(contract.ontology.entities)) {
    if (field.type !== "string") {
      return new ContractError({
        path,
        message: `Field '${path}' declares a PII transform but has type '${
          debugType(field.type)
        }' — transforms are only supported on string fields. If this field holds PII, change its type to 'string'.`
      })
    }
    if (needsSalt(transform) && options.salt === undefined) {
      return new ContractError({
        path,
        message: `Field '${path}' is transformed with '${transform.kind}${
          transform.style === undefined ? "" : ` (${transform.style})`
        }', which needs the contract's PII salt, and none was given for contract '${contract.name}'`
      })
    }
  }
  return undefined
}

/** Later events repeating an earlier event's value (by JSON text) get a uniqueness violation. */
const withUniqueness = (contract: Contract, results: Array<ValidationResult>, events: ReadonlyArray<unknown>) => {
  for (const rule of contract.quality ?? []) {
    if (rule.type !== "uniqueness") continue
    const path = rule.field.split(".")
    const seen = new Set<string>()
    events.forEach((event, index) => {
      const value = valueAt(event, path)
      if (value === undefined || value === null) return
      const json = JSON.stringify(value)
      if (!seen.has(json)) return void seen.add(json)
      const previous = results[index]!
      const violations: Array<Violation> = [...previous.violations, Messages.duplicate(rule.field, json)]
      results[index] = { passed: false, violations }
    })
  }
  return results
}

/**
 * Compiles a contract; `options.transforms: false` skips PII transforms (and
 * their salt check) for callers that only validate.
 *
 * @since 0.1.0
 * @category compiling
 */
export const compileContract = (
  contract: Contract,
  options: CompileOptions = {}
): Result.Result<CompiledContract, ContractError> => {
  const patterns = compilePatterns(contract.ontology.entities)
  if (Result.isFailure(patterns)) return Result.fail(patterns.failure)
  const bad = options.transforms === false ? undefined : checkTransforms(contract, options)
  if (bad !== undefined) return Result.fail(bad)
  const validator = generateValidator(contract, patterns.success)
  const hasUniqueness = (contract.quality ?? []).some((rule) => rule.type === "uniqueness")
  const transformsEvents = options.transforms !== false &&
    (contract.compliance_mode === true || transformedFields(contract.ontology.entities).length > 0)
  const transform = transformsEvents ? makeTransform(contract, options.salt) : (event: unknown) => event
  const validateBatch = (events: ReadonlyArray<unknown>, now = Date.now()) => {
    const results = events.map((event) => validator(event, now))
    return hasUniqueness ? withUniqueness(contract, results, events) : results
  }
  const envelope = contract.envelope
  return Result.succeed({
    contract,
    validate: validator,
    validateBatch,
    transform,
    transformsEvents,
    validateEnvelope: envelope === undefined ? undefined : (payload, now) => validateEnvelope(envelope, validateBatch, payload, now)
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.succeed(
  Contracts,
  Contracts.of({
    parse: Effect.fn("Contracts.parse")(function*(text: string, file: string) {
      return yield* Effect.fromResult(parseContractYaml(text, file))
    }),
    compile: Effect.fn("Contracts.compile")(function*(contract: Contract, options?: CompileOptions) {
      return yield* Effect.fromResult(compileContract(contract, options))
    })
  })
)
