/**
 * `strata contract validate CONTRACT.yaml EVENTS.jsonl`: checks events
 * against a contract before they are committed or sent. Exit code 0 when
 * every event passes, 1 when any breaks the contract (or is not JSON), 3 when
 * the contract itself is invalid. Files may be local paths or storage URLs.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { Argument, Command } from "effect/cli"
import { Contracts } from "../../../services/Contracts.ts"
import type { CompiledContract, ValidationResult, Violation } from "../../../services/Contracts.ts"
import { envelopeProblems } from "../../../layers/contracts/envelope.ts"
import * as ContractsLive from "../../../layers/ContractsLive.ts"
import { currentClient, emit } from "../context.ts"

/**
 * Some events broke the contract; the per-event report was printed already.
 *
 * @since 0.1.0
 * @category errors
 */
export class ContractViolations extends Schema.TaggedError<ContractViolations>()("ContractViolations", {
  message: Schema.String,
  failed: Schema.Number
}) {}

interface LineResult {
  readonly line: number
  readonly passed: boolean
  readonly violations: ReadonlyArray<Violation | { readonly field: string; readonly kind: "malformed_json"; readonly message: string }>
}

/** JSON Lines: one event per non-blank line; a line that is not JSON is reported, not fatal. */
const readLines = (text: string) => {
  const events: Array<{ readonly line: number; readonly value: unknown }> = []
  const malformed: Array<LineResult> = []
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return
    try {
      events.push({ line: index + 1, value: JSON.parse(raw) })
    } catch (error) {
      malformed.push({
        line: index + 1,
        passed: false,
        violations: [{ field: "<root>", kind: "malformed_json", message: `Line is not JSON: ${(error as Error).message}` }]
      })
    }
  })
  return { events, malformed }
}

/** An envelope contract's line is one whole batch: it passes when no record is quarantined; record violations name their record. */
const envelopeVerdict = (compiled: CompiledContract) => (payload: unknown): ValidationResult => {
  const envelope = compiled.contract.envelope!
  const result = compiled.validateEnvelope!(payload)
  const wrapperLevel = envelopeProblems(envelope, payload).length > 0
  return {
    passed: result.quarantined === 0,
    violations: result.violations.map(({ record_index, ...violation }) =>
      wrapperLevel ? violation : { ...violation, field: `${envelope.records_path}[${record_index}].${violation.field}` }
    )
  }
}

const validate = Command.make("validate", {
  contract: Argument.String("contract").pipe(Argument.withDescription("The contract YAML file.")),
  events: Argument.String("events").pipe(
    Argument.withDescription("A JSON Lines file, one event per line (one envelope batch per line for envelope contracts).")
  )
}, ({ contract, events }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const contracts = yield* Contracts
    const decoder = new TextDecoder()
    const parsed = yield* contracts.parse(decoder.decode(yield* client.read(contract)), contract)
    // Validation only: transforms (and their salt) do not change a verdict.
    const compiled = yield* contracts.compile(parsed, { transforms: false })
    const { events: lines, malformed } = readLines(decoder.decode(yield* client.read(events)))
    const values = lines.map((line) => line.value)
    const verdicts = compiled.validateEnvelope === undefined ? compiled.validateBatch(values) : values.map(envelopeVerdict(compiled))
    const results: Array<LineResult> = [
      ...lines.map((line, i) => ({ line: line.line, ...verdicts[i]! })),
      ...malformed
    ].toSorted((a, b) => a.line - b.line)
    const failed = results.filter((result) => !result.passed)
    yield* emit(
      () =>
        [
          ...failed.flatMap((result) => result.violations.map((v) => `${events}:${result.line}: ${v.field}: ${v.message} (${v.kind})`)),
          `${results.length} events, ${results.length - failed.length} passed, ${failed.length} failed (contract ${parsed.name} ${parsed.version}).`
        ].join("\n"),
      () => ({
        contract: { name: parsed.name, version: parsed.version },
        total: results.length,
        passed: results.length - failed.length,
        failed: failed.length,
        results
      })
    )
    if (failed.length > 0) {
      return yield* new ContractViolations({
        message: `${failed.length} of ${results.length} events in ${events} break contract ${parsed.name} ${parsed.version}`,
        failed: failed.length
      })
    }
  }).pipe(Effect.scoped, Effect.provide(ContractsLive.layer))).pipe(
    Command.withDescription(
      "Validate JSON Lines events against a contract (exit 0: all pass, 1: violations or malformed lines, 3: invalid contract)."
    )
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const contract = Command.make("contract").pipe(
  Command.withDescription("Data contracts (ContractGate format)."),
  Command.withSubcommands([validate])
)
