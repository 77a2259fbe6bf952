import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { compileContract } from "../../../src/layers/ContractsLive.ts"
import { parseContractYaml } from "../../../src/layers/contracts/contractYaml.ts"
import type { CompiledContract } from "../../../src/services/Contracts.ts"

/** A contract with the given entities (YAML flow or block text, indented by the caller). */
const contract = (entities: string, extra = ""): CompiledContract => {
  const parsed = parseContractYaml(`version: "1.0"\nname: t\n${extra}ontology:\n  entities:\n${entities}\n`, "t.yaml")
  if (Result.isFailure(parsed)) throw new Error(parsed.failure.message)
  const compiled = compileContract(parsed.success, { transforms: false })
  if (Result.isFailure(compiled)) throw new Error(compiled.failure.message)
  return compiled.success
}

interface Case {
  readonly name: string
  readonly entities: string
  readonly extra?: string
  readonly event: unknown
  /** [field, kind, message] of each violation, in order; [] means the event passes. */
  readonly violations: ReadonlyArray<readonly [string, string, string]>
}

const cases: ReadonlyArray<Case> = [
  { name: "a valid event passes", entities: "    - {name: a, type: string}", event: { a: "x" }, violations: [] },
  {
    name: "missing required field names the bare field",
    entities: "    - {name: u, type: object, properties: [{name: id, type: string}]}",
    event: { u: {} },
    violations: [["u.id", "missing_required_field", "Required field 'id' is missing"]]
  },
  { name: "optional field may be absent", entities: "    - {name: a, type: string, required: false}", event: {}, violations: [] },
  {
    name: "null fails a typed field",
    entities: "    - {name: a, type: string, required: false}",
    event: { a: null },
    violations: [["a", "type_mismatch", "Field 'a' expected type String, got null"]]
  },
  {
    name: "null_as_absent treats null as missing",
    entities: "    - {name: a, type: string}",
    extra: "null_as_absent: true\n",
    event: { a: null },
    violations: [["a", "missing_required_field", "Required field 'a' is missing"]]
  },
  {
    name: "integer rejects a fraction and names its JSON type",
    entities: "    - {name: n, type: integer}",
    event: { n: 1.5 },
    violations: [["n", "type_mismatch", "Field 'n' expected type Integer, got float"]]
  },
  { name: "1.0 is an integer (JSON has one number type)", entities: "    - {name: n, type: integer}", event: { n: 1.0 }, violations: [] },
  { name: "number is an alias of float", entities: "    - {name: n, type: number}", event: { n: 2 }, violations: [] },
  {
    name: "type mismatch stops the field's other checks",
    entities: "    - {name: s, type: string, min_length: 3, enum: [abc]}",
    event: { s: 12 },
    violations: [["s", "type_mismatch", "Field 's' expected type String, got integer"]]
  },
  {
    name: "lengths count code points, not bytes",
    entities: "    - {name: s, type: string, max_length: 3}",
    event: { s: "été" },
    violations: []
  },
  {
    name: "length below minimum, emoji counted once",
    entities: "    - {name: s, type: string, min_length: 3}",
    event: { s: "😀😀" },
    violations: [["s", "length_violation", "Field 's' length 2 is below minimum 3"]]
  },
  {
    name: "length above maximum",
    entities: "    - {name: s, type: string, max_length: 2}",
    event: { s: "abc" },
    violations: [["s", "length_violation", "Field 's' length 3 exceeds maximum 2"]]
  },
  {
    name: "patterns search unanchored, like the reference",
    entities: "    - {name: s, type: string, pattern: 'b+'}",
    event: { s: "abba" },
    violations: []
  },
  {
    name: "pattern mismatch quotes the value",
    entities: "    - {name: s, type: string, pattern: '^[a-z]+$'}",
    event: { s: "A\"b" },
    violations: [["s", "pattern_mismatch", "Field 's' value \"A\\\"b\" does not match required pattern"]]
  },
  {
    name: "array item patterns are checked (the reference skips them)",
    entities: "    - {name: tags, type: array, items: {name: tag, type: string, pattern: '^[a-z]+$'}}",
    event: { tags: ["ok", "NO"] },
    violations: [["tags[1]", "pattern_mismatch", "Field 'tags[1]' value \"NO\" does not match required pattern"]]
  },
  {
    name: "date must be a real, zero-padded calendar date",
    entities: "    - {name: d, type: date}\n    - {name: e, type: date}\n    - {name: f, type: date}",
    event: { d: "2024-02-29", e: "2023-02-29", f: "2026-1-5" },
    violations: [
      ["e", "pattern_mismatch", "Field 'e' value \"2023-02-29\" is not a valid calendar date (expected YYYY-MM-DD)"],
      ["f", "pattern_mismatch", "Field 'f' value \"2026-1-5\" is not a valid calendar date (expected YYYY-MM-DD)"]
    ]
  },
  {
    name: "date type mismatch uses the Debug type name",
    entities: "    - {name: d, type: date}",
    event: { d: 20240101 },
    violations: [["d", "type_mismatch", "Field 'd' expected type Date, got integer"]]
  },
  {
    name: "range below and above print numbers like Rust",
    entities: "    - {name: a, type: float, min: 0}\n    - {name: b, type: integer, max: 10}",
    event: { a: -0.5, b: 100000000000000000000000 },
    violations: [
      ["a", "range_violation", "Field 'a' value -0.5 is below minimum 0"],
      ["b", "range_violation", "Field 'b' value 100000000000000000000000 exceeds maximum 10"]
    ]
  },
  {
    name: "enum prints compact JSON",
    entities: "    - {name: e, type: any, enum: [a, 1, {k: true}]}",
    event: { e: { k: false } },
    violations: [["e", "enum_violation", "Field 'e' value {\"k\":false} not in allowed set: [\"a\", 1, {\"k\":true}]"]]
  },
  { name: "enum matches objects by value", entities: "    - {name: e, type: any, enum: [{k: true}]}", event: { e: { k: true } }, violations: [] },
  {
    name: "nested objects and arrays give full paths",
    entities: [
      "    - name: order",
      "      type: object",
      "      properties:",
      "        - name: lines",
      "          type: array",
      "          items: {name: line, type: object, properties: [{name: qty, type: integer, min: 1}]}"
    ].join("\n"),
    event: { order: { lines: [{ qty: 1 }, { qty: 0 }, {}] } },
    violations: [
      ["order.lines[1].qty", "range_violation", "Field 'order.lines[1].qty' value 0 is below minimum 1"],
      ["order.lines[2].qty", "missing_required_field", "Required field 'qty' is missing"]
    ]
  },
  {
    name: "a non-object event is one violation at <root>",
    entities: "    - {name: a, type: string}",
    event: [1],
    violations: [["<root>", "type_mismatch", "Event must be a JSON object"]]
  },
  {
    name: "inherited names are not fields (constructor, toString)",
    entities: "    - {name: constructor, type: string}\n    - {name: toString, type: string, required: false}",
    event: {},
    violations: [["constructor", "missing_required_field", "Required field 'constructor' is missing"]]
  },
  {
    name: "metrics bound a dot path",
    entities: "    - {name: o, type: object, properties: [{name: total, type: float}]}",
    extra: "metrics:\n  - {name: order_total, field: o.total, min: 1, max: 5}\n  - {name: missing, field: o.nope}\n",
    event: { o: { total: 49.99 } },
    violations: [
      ["o.total", "metric_range_violation", "Metric 'order_total' value 49.99 exceeds maximum 5 (field: 'o.total')"],
      ["o.nope", "missing_required_field", "Metric 'missing' field 'o.nope' is missing or not numeric"]
    ]
  },
  {
    name: "completeness flags empty strings",
    entities: "    - {name: a, type: string}",
    extra: "quality:\n  - {field: a, type: completeness}\n",
    event: { a: "" },
    violations: [["a", "completeness_violation", "Quality completeness: field 'a' is an empty string"]]
  },
  {
    name: "compliance mode rejects undeclared keys in event order",
    entities: "    - {name: a, type: string}",
    extra: "compliance_mode: true\n",
    event: { z: 1, a: "x", b: 2 },
    violations: [
      ["z", "undeclared_field", "Field 'z' is not declared in the contract ontology. Compliance mode rejects undeclared fields."],
      ["b", "undeclared_field", "Field 'b' is not declared in the contract ontology. Compliance mode rejects undeclared fields."]
    ]
  }
]

describe("compiled validator: violation table", () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = contract(c.entities, c.extra).validate(c.event)
      assert.deepStrictEqual(result.violations.map((v) => [v.field, v.kind, v.message]), c.violations.map((v) => [...v]))
      assert.strictEqual(result.passed, c.violations.length === 0)
    })
  }
})

describe("compiled validator: time and batches", () => {
  const fresh = contract("    - {name: ts, type: integer, required: false}", "quality:\n  - {field: ts, type: freshness, max_age_seconds: 60}\n")
  const now = 1_800_000_000_000
  it("freshness accepts seconds and milliseconds within the age", () => {
    assert.isTrue(fresh.validate({ ts: 1_800_000_000 - 30 }, now).passed)
    assert.isTrue(fresh.validate({ ts: now - 30_000 }, now).passed)
    assert.isTrue(fresh.validate({}, now).passed)
  })
  it("freshness rejects old, future and non-integer timestamps", () => {
    assert.deepStrictEqual(fresh.validate({ ts: 1_800_000_000 - 61 }, now).violations.map((v) => v.message), [
      "Quality freshness: field 'ts' timestamp is 61s old (max 60s)"
    ])
    assert.deepStrictEqual(fresh.validate({ ts: 1_800_000_100 }, now).violations.map((v) => v.message), [
      "Quality freshness: field 'ts' timestamp is -100s old (max 60s)"
    ])
  })
  it("uniqueness flags later duplicates in a batch, not the first", () => {
    const unique = contract("    - {name: id, type: string, required: false}", "quality:\n  - {field: id, type: uniqueness}\n")
    const results = unique.validateBatch([{ id: "a" }, { id: "b" }, { id: "a" }, {}, {}])
    assert.deepStrictEqual(results.map((r) => r.passed), [true, true, false, true, true])
    assert.strictEqual(results[2]!.violations[0]!.message, "Quality uniqueness: duplicate value \"\\\"a\\\"\" for field 'id' in batch")
  })
})

describe("compiled validator: injection safety", () => {
  it("names, patterns and enum values that look like code stay data", () => {
    const hostile = "\"]); globalThis.pwned = 1; (\""
    const compiled = contract(
      `    - {name: '${hostile.replaceAll("'", "''")}', type: string, pattern: '\\u0022\\)', enum: ['${hostile.replaceAll("'", "''")}']}`
    )
    const result = compiled.validate({ [hostile]: "x" })
    assert.isUndefined((globalThis as { pwned?: unknown }).pwned)
    assert.deepStrictEqual(result.violations.map((v) => v.kind), ["pattern_mismatch", "enum_violation"])
    assert.strictEqual(result.violations[0]!.field, hostile)
  })
})
