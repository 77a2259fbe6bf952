import { assert, describe, it } from "@effect/vitest"
import { Ajv } from "ajv"
import { specDictSchema, specListSchema, specSchema } from "../../../src/layers/artifacts/specSchemas.ts"
import { TYPES } from "./artifactsHarness.ts"

const scope = new Map(TYPES.map((type) => [type.name, type] as const))
const ajv = () => new Ajv({ strict: false })

describe("spec JSON Schemas", () => {
  it("describe each type in $defs and choose it by its type constant (Artisan's shape)", () => {
    const schema = specSchema(scope)
    assert.strictEqual(schema.$schema, "http://json-schema.org/draft-07/schema#")
    const defs = schema.$defs as Record<string, Record<string, unknown>>
    assert.deepStrictEqual(Object.keys(defs).toSorted(), ["Flaky", "Scaled", "Sum", "__PathString::Flaky", "__PathString::Scaled", "__PathString::Sum"])
    assert.deepStrictEqual((defs["Scaled"]!.properties as Record<string, unknown>)["input"], { type: "string", pattern: "^@\\/.*" })
    assert.strictEqual(defs["Sum"]!.description, "The scaled sum of some numbers.")
    assert.deepStrictEqual(defs["Sum"]!.required, ["values"])
    assert.deepStrictEqual((schema.oneOf as Array<unknown>)[0], {
      allOf: [{ required: ["type"] }, { properties: { type: { const: "Sum" } } }, { $ref: "#/$defs/Sum" }]
    })
  })

  it("accept valid specs and refuse invalid ones, alone, in lists and in maps", () => {
    const one = ajv().compile(specSchema(scope))
    assert.isTrue(one({ type: "Sum", values: [1, 2], scale: 2 }))
    assert.isFalse(one({ type: "Sum", values: ["x"] }))
    assert.isFalse(one({ type: "Nope" }))
    assert.isFalse(one({ values: [1] }))
    assert.isTrue(one({ type: "Scaled", input: "@/Sum_0000", factor: 2 }))
    assert.isFalse(one({ type: "Scaled", input: "Sum_0000", factor: 2 }))
    const list = ajv().compile(specListSchema(scope))
    assert.isTrue(list([{ type: "Sum", values: [] }, { type: "Flaky", fail: false }]))
    assert.isFalse(list([{ type: "Flaky", fail: "no" }]))
    const dict = ajv().compile(specDictSchema(scope))
    assert.isTrue(dict({ $schema: "./spec-dict.json", a: { type: "Flaky", fail: true } }))
    assert.isFalse(dict({ a: { type: "Sum" } }))
  })
})
