/**
 * Data contracts, the validator in the same run as its baselines: our
 * validator generated from the contract in `contracts-data.ts` against ajv 8
 * compiled from the equivalent JSON Schema, over the same 200,000 parsed
 * events (9 in 10 valid). ajv runs with `allErrors: true`, since we report
 * every violation (the target row); ajv's default (stop at the first error)
 * is an informational row. Ours also builds the result object with the
 * reference's messages. Timed in CPU time of this process (`clock: "cpu"`):
 * the work is pure CPU, and on a shared machine wall time mostly measures the
 * other jobs.
 *
 * Gateway ingest is its own module (`contracts-ingest.ts`, `node bench/run.ts
 * contracts-ingest`); `node bench/run.ts contracts` runs both.
 *
 * @since 0.1.0
 */
import { Ajv } from "ajv"
import { Result } from "effect"
import { compileContract } from "../src/layers/ContractsLive.ts"
import { parseContractYaml } from "../src/layers/contracts/contractYaml.ts"
import { CONTRACT_YAML, eventAt, JSON_SCHEMA } from "./contracts-data.ts"
import { compare } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

const EVENTS = 200_000
const events = Array.from({ length: EVENTS }, (_, i) => eventAt(i))

const ours = () => {
  const parsed = parseContractYaml(CONTRACT_YAML, "orders.yaml")
  if (Result.isFailure(parsed)) throw new Error(parsed.failure.message)
  const compiled = compileContract(parsed.success, { transforms: false })
  if (Result.isFailure(compiled)) throw new Error(compiled.failure.message)
  return compiled.success
}

/** Keeps results alive so that the JIT cannot drop the work. */
let sink = 0

const side = (validate: (event: unknown) => boolean): Side => ({
  prepare: async () => async () => {
    let failed = 0
    for (let i = 0; i < EVENTS; i++) if (!validate(events[i])) failed++
    sink += failed
  }
})

export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const compiled = ours()
  const now = Date.now()
  const oursSide = side((event) => compiled.validate(event, now).passed)
  const allErrors = new Ajv({ allErrors: true }).compile(JSON_SCHEMA)
  const firstError = new Ajv().compile(JSON_SCHEMA)
  // Same verdicts on every event, or the comparison means nothing.
  for (const event of events.slice(0, 1000)) {
    if (compiled.validate(event).passed !== allErrors(event)) throw new Error(`verdicts differ on ${JSON.stringify(event)}`)
  }
  const results = [
    await compare({
      name: `validate ${EVENTS.toLocaleString("en-US")} order events`,
      baseline: "ajv 8 compiled, allErrors",
      ops: EVENTS,
      ours: oursSide,
      base: side((event) => allErrors(event)),
      repeats: 9,
      target: 1.0,
      clock: "cpu"
    }),
    await compare({
      name: `validate ${EVENTS.toLocaleString("en-US")} order events`,
      baseline: "ajv 8 compiled, first error",
      ops: EVENTS,
      ours: oursSide,
      base: side((event) => firstError(event)),
      repeats: 9,
      clock: "cpu"
    })
  ]
  if (sink < 0) console.log(sink)
  return results
}
