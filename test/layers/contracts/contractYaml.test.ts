import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { parseContractYaml } from "../../../src/layers/contracts/contractYaml.ts"
import { compileContract } from "../../../src/layers/ContractsLive.ts"

const errorOf = (text: string) => {
  const parsed = parseContractYaml(text, "c.yaml")
  assert.isTrue(Result.isFailure(parsed))
  return Result.isFailure(parsed) ? parsed.failure : undefined!
}

describe("contract YAML", () => {
  it("decodes every key of the format; unknown keys are ignored; glossary aliases term/definition", () => {
    const parsed = parseContractYaml(`version: "2.1"
name: full
description: all keys
compliance_mode: true
null_as_absent: true
egress_leakage_mode: strip
envelope: {records_path: data, validate_wrapper: true}
owner: someone            # unknown: ignored, as in the reference
ontology:
  entities:
    - {name: id, type: string, pattern: "^a", min_length: 1, max_length: 9, enum: [ab, ac]}
    - {name: n, type: number, min: 0, max: 1.5}
    - {name: on, type: boolean, required: false}
    - {name: tags, type: array, items: {name: tag, type: any}}
glossary:
  - {term: id, definition: The id, synonyms: [key]}
metrics:
  - {name: m, field: n, type: float, min: 0, formula: "sum(n)"}
quality:
  - {field: id, type: uniqueness, scope: batch, threshold: 0.9}
  - {field: ts, type: freshness, max_age_seconds: 60}
`, "full.yaml")
    assert.isTrue(Result.isSuccess(parsed))
    if (!Result.isSuccess(parsed)) return
    const c = parsed.success
    assert.deepStrictEqual([c.version, c.compliance_mode, c.envelope?.records_path, c.glossary?.[0]?.field], ["2.1", true, "data", "id"])
    // YAML 1.2: `on` is a name, not a boolean.
    assert.strictEqual(c.ontology.entities[2]!.name, "on")
    assert.strictEqual(c.quality?.[1]?.max_age_seconds, 60)
  })

  it("errors name file, line, column and JSON path, one line each", () => {
    const error = errorOf(`version: "1"
name: x
ontology:
  entities:
    - name: a
      type: strng
    - {name: b, type: object, properties: [{name: c, type: string, min_length: -1}]}
`)
    assert.strictEqual(error.message.split("\n").length, 2)
    assert.match(error.message, /^c\.yaml:6:13: ontology\.entities\[0\]\.type: expected one of 'string', /)
    assert.match(error.message.split("\n")[1]!, /^c\.yaml:7:\d+: ontology\.entities\[1\]\.properties\[0\]\.min_length: expected a value greater than or equal to 0\.$/)
    assert.deepStrictEqual([error.file, error.line, error.column], ["c.yaml", 6, 13])
  })

  it("an unquoted version (a number) is refused, where it is", () => {
    assert.match(errorOf("version: 1.0\nname: x\nontology: {entities: []}\n").message, /^c\.yaml:1:10: version: expected a string/)
  })

  it("malformed YAML, missing keys, duplicate field names and an empty name are errors", () => {
    assert.match(errorOf("version: \"1\"\nname: [x\n").message, /^c\.yaml:\d+:\d+: malformed YAML: /)
    assert.match(errorOf("version: \"1\"\nname: x\n").message, /missing required key 'ontology'/)
    assert.match(
      errorOf("version: \"1\"\nname: x\nontology:\n  entities:\n    - {name: a, type: string}\n    - {name: a, type: string}\n").message,
      /^c\.yaml:6:\d+: ontology\.entities\[1\]\.name: field 'a' is declared twice at this level\.$/
    )
    assert.match(errorOf("version: \"1\"\nname: x\nontology:\n  entities:\n    - {name: '', type: string}\n").message, /a field name must not be empty/)
  })

  it("an invalid regex is a compile error with the reference's message, array items included", () => {
    const parsed = parseContractYaml("version: \"1\"\nname: x\nontology:\n  entities:\n    - {name: t, type: array, items: {name: i, type: string, pattern: '(['}}\n", "c.yaml")
    assert.isTrue(Result.isSuccess(parsed))
    if (!Result.isSuccess(parsed)) return
    const compiled = compileContract(parsed.success)
    assert.isTrue(Result.isFailure(compiled))
    if (Result.isFailure(compiled)) assert.match(compiled.failure.message, /^Invalid regex '\(\[' for field 't\[\]': /)
  })
})
