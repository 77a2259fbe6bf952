import { assert, describe, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import { compileContract } from "../../../src/layers/ContractsLive.ts"
import { parseContractYaml } from "../../../src/layers/contracts/contractYaml.ts"
import { decideEgress } from "../../../src/layers/contracts/egress.ts"
import type { Disposition } from "../../../src/layers/contracts/egress.ts"
import type { CompiledContract } from "../../../src/services/Contracts.ts"

const compile = (mode: string): CompiledContract => {
  const yaml = `version: "1.0"
name: profiles
egress_leakage_mode: ${mode}
ontology:
  entities:
    - {name: id, type: string}
    - {name: email, type: string, transform: {kind: redact}}
`
  const parsed = parseContractYaml(yaml, "profiles.yaml")
  if (Result.isFailure(parsed)) throw new Error(parsed.failure.message)
  const compiled = compileContract(parsed.success, { salt: Redacted.make(new Uint8Array(32)) })
  if (Result.isFailure(compiled)) throw new Error(compiled.failure.message)
  return compiled.success
}

const records = [{ id: "a", email: "a@x", ssn: "123" }, { email: "b@x" }]

const summary = (compiled: CompiledContract, disposition: Disposition) => {
  const decision = decideEgress(compiled, records, disposition)
  return {
    counts: [decision.passed, decision.failed],
    payload: decision.payload,
    actions: decision.outcomes.map((outcome) => [outcome.action, outcome.stripped_fields ?? [], outcome.violations.map((v) => v.kind)])
  }
}

describe("egress validation", () => {
  it("block ships passing records, transformed; off keeps undeclared fields", () => {
    assert.deepStrictEqual(summary(compile("off"), "block"), {
      counts: [1, 1],
      payload: [{ id: "a", email: "<REDACTED>", ssn: "123" }],
      actions: [["included", [], []], ["blocked", [], ["missing_required_field"]]]
    })
  })

  it("strip removes undeclared fields and names them; tag ships everything", () => {
    assert.deepStrictEqual(summary(compile("strip"), "tag"), {
      counts: [1, 1],
      payload: [{ id: "a", email: "<REDACTED>" }, { email: "<REDACTED>" }],
      actions: [["included", ["ssn"], []], ["tagged", [], ["missing_required_field"]]]
    })
  })

  it("fail mode makes each leak a violation; the fail disposition ships nothing when any record fails", () => {
    const decision = decideEgress(compile("fail"), records, "fail")
    assert.deepStrictEqual([decision.passed, decision.failed], [0, 2])
    assert.deepStrictEqual(decision.payload, [])
    assert.deepStrictEqual(decision.outcomes.map((outcome) => outcome.action), ["rejected", "rejected"])
    assert.deepStrictEqual(decision.outcomes[0]!.violations, [{
      field: "ssn",
      kind: "leakage_violation",
      message: "Undeclared field 'ssn' found in egress payload (egress_leakage_mode=fail); field stripped from response"
    }])
    // Raw PII never leaves, even in the rows kept for audit.
    assert.deepStrictEqual(decision.cleaned, [{ id: "a", email: "<REDACTED>" }, { email: "<REDACTED>" }])
  })

  it("every record ships when every record passes, whatever the disposition", () => {
    for (const disposition of ["block", "fail", "tag"] as const) {
      const decision = decideEgress(compile("strip"), [{ id: "a", email: "e" }], disposition)
      assert.deepStrictEqual([decision.failed, decision.payload], [0, [{ id: "a", email: "<REDACTED>" }]])
    }
  })
})
