import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { compileContract } from "../../../src/layers/ContractsLive.ts"
import { parseContractYaml } from "../../../src/layers/contracts/contractYaml.ts"
import { envelopeRows } from "../../../src/layers/contracts/envelope.ts"
import type { CompiledContract, EnvelopeResult } from "../../../src/services/Contracts.ts"

const compile = (envelope: string): CompiledContract => {
  const yaml = `version: "1.0"
name: listings
${envelope}
quality:
  - {field: id, type: uniqueness}
ontology:
  entities:
    - {name: id, type: string}
    - {name: price, type: float, min: 0}
`
  const parsed = parseContractYaml(yaml, "listings.yaml")
  if (Result.isFailure(parsed)) throw new Error(parsed.failure.message)
  const compiled = compileContract(parsed.success, { transforms: false })
  if (Result.isFailure(compiled)) throw new Error(compiled.failure.message)
  return compiled.success
}

const plain = compile("envelope: {records_path: data}")
const wrapped = compile("envelope: {records_path: data, validate_wrapper: true}")

/** The result without its timing, which varies. */
const shape = (result: EnvelopeResult) => ({
  passed: result.passed,
  quarantined: result.quarantined,
  violations: result.violations.map((v) => [v.record_index, v.field, v.kind, v.message])
})

describe("envelope batches", () => {
  it("is only offered for contracts with an envelope stanza", () => {
    const parsed = parseContractYaml(`version: "1"\nname: x\nontology:\n  entities:\n    - {name: a, type: string}\n`, "x.yaml")
    if (Result.isFailure(parsed)) throw new Error(parsed.failure.message)
    const compiled = compileContract(parsed.success, { transforms: false })
    assert.isTrue(Result.isSuccess(compiled) && compiled.success.validateEnvelope === undefined)
    assert.isDefined(plain.validateEnvelope)
  })

  it("validates each record, with its index, and the batch's uniqueness rule", () => {
    const result = plain.validateEnvelope!({ data: [{ id: "a", price: 1 }, { id: "b", price: -1 }, { price: 2 }, { id: "a", price: 3 }] })
    assert.deepStrictEqual(shape(result), {
      passed: 1,
      quarantined: 3,
      violations: [
        [1, "price", "range_violation", "Field 'price' value -1 is below minimum 0"],
        [2, "id", "missing_required_field", "Required field 'id' is missing"],
        [3, "id", "uniqueness_violation", `Quality uniqueness: duplicate value "\\"a\\"" for field 'id' in batch`]
      ]
    })
    assert.isAtLeast(result.validation_us, 0)
  })

  it("refuses payloads that are not envelopes, in the reference's words", () => {
    assert.deepStrictEqual(shape(plain.validateEnvelope!([1, 2])), {
      passed: 0,
      quarantined: 1,
      violations: [[0, "<root>", "type_mismatch", "Envelope payload must be a JSON object"]]
    })
    assert.deepStrictEqual(shape(plain.validateEnvelope!({ rows: [] })), {
      passed: 0,
      quarantined: 1,
      violations: [[0, "data", "missing_required_field", "Envelope key 'data' is missing"]]
    })
    assert.deepStrictEqual(shape(plain.validateEnvelope!({ data: { id: "a" } })), {
      passed: 0,
      quarantined: 1,
      violations: [[0, "data", "type_mismatch", "Envelope key 'data' must be an array, got object"]]
    })
  })

  it("checks the wrapper only when asked, and then quarantines the whole batch", () => {
    const payload = { success: "yes", pagination: { page: 1, limit: "10", hasMore: 1 }, data: [{ id: "a", price: 1 }, { id: "b", price: 2 }] }
    assert.deepStrictEqual(shape(plain.validateEnvelope!(payload)), { passed: 2, quarantined: 0, violations: [] })
    assert.deepStrictEqual(shape(wrapped.validateEnvelope!(payload)), {
      passed: 0,
      quarantined: 2,
      violations: [
        [0, "success", "type_mismatch", "Wrapper field 'success' must be boolean, got string"],
        [0, "pagination.limit", "type_mismatch", "Wrapper pagination field 'limit' must be a number, got string"],
        [0, "pagination.total", "missing_required_field", "Wrapper pagination field 'total' is missing"],
        [0, "pagination.hasMore", "type_mismatch", "Wrapper pagination field 'hasMore' must be boolean, got integer"]
      ]
    })
    assert.deepStrictEqual(shape(wrapped.validateEnvelope!({ data: [] })), {
      passed: 0,
      quarantined: 1,
      violations: [[0, "success", "missing_required_field", "Wrapper field 'success' is missing"]]
    })
    assert.deepStrictEqual(shape(wrapped.validateEnvelope!({ success: true, data: [] })), { passed: 0, quarantined: 0, violations: [] })
  })

  it("gives one row per record for persistence", () => {
    const envelope = plain.contract.envelope!
    const payload = { data: [{ id: "a", price: 1 }, { id: "b", price: -1 }] }
    const rows = envelopeRows(envelope, payload, plain.validateEnvelope!(payload))
    assert.deepStrictEqual(rows.map((row) => [row.record, row.result.passed, row.result.violations.length]), [
      [{ id: "a", price: 1 }, true, 0],
      [{ id: "b", price: -1 }, false, 1]
    ])
    // A failed wrapper puts its violations on every record, even when a record has a `success` field of its own.
    const bad = { success: 1, data: [{ id: "a", price: 1, success: true }] }
    const wrappedRows = envelopeRows(wrapped.contract.envelope!, bad, wrapped.validateEnvelope!(bad))
    assert.deepStrictEqual(wrappedRows.map((row) => row.result.violations.map((v) => v.field)), [["success"]])
    // Nothing to extract: one failed row over the whole payload; a valid empty batch: no rows.
    const none = envelopeRows(envelope, { rows: 1 }, plain.validateEnvelope!({ rows: 1 }))
    assert.deepStrictEqual(none.map((row) => [row.record, row.result.violations.map((v) => v.message)]), [[{ rows: 1 }, ["Envelope key 'data' is missing"]]])
    assert.deepStrictEqual(envelopeRows(envelope, { data: [] }, plain.validateEnvelope!({ data: [] })), [])
  })
})
