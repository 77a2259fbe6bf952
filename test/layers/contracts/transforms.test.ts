import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { createHmac } from "node:crypto"
import * as ContractsLive from "../../../src/layers/ContractsLive.ts"
import { Contracts } from "../../../src/services/Contracts.ts"

const SALT = "per-contract-salt"
const yaml = `version: "1"
name: people
ontology:
  entities:
    - {name: email, type: string, transform: {kind: hash}}
    - {name: phone, type: string, required: false, transform: {kind: mask, style: format_preserving}}
    - {name: card, type: string, required: false, transform: {kind: mask}}
    - {name: ssn, type: string, required: false, transform: {kind: drop}}
    - name: profile
      type: object
      required: false
      properties:
        - {name: name, type: string, transform: {kind: redact}}
        - {name: age, type: integer, required: false}
    - name: contacts
      type: array
      required: false
      items: {name: contact, type: string, transform: {kind: redact}}
`

const compile = (salt: string | undefined) =>
  Effect.gen(function*() {
    const contracts = yield* Contracts
    const contract = yield* contracts.parse(yaml, "people.yaml")
    return yield* contracts.compile(contract, salt === undefined ? {} : { salt: Redacted.make(new TextEncoder().encode(salt)) })
  }).pipe(Effect.provide(ContractsLive.layer))

describe("PII transforms", () => {
  it.effect("hash is HMAC-SHA256 keyed by the contract salt; mask, drop, redact; nested fields and array items too", () =>
    Effect.gen(function*() {
      const compiled = yield* compile(SALT)
      const event = {
        email: "ada@example.com",
        phone: "+33 6-12-34-56-78",
        card: "4111",
        ssn: "123",
        profile: { name: "Ada", age: 36 },
        contacts: ["bob", 7],
        other: "kept"
      }
      const out = compiled.transform(event) as Record<string, any>
      const expected = createHmac("sha256", SALT).update("ada@example.com").digest("hex")
      assert.strictEqual(out["email"], `hmac-sha256:${expected}`)
      assert.strictEqual(out["card"], "****")
      assert.isFalse("ssn" in out)
      assert.deepStrictEqual(out["profile"], { name: "<REDACTED>", age: 36 })
      assert.deepStrictEqual(out["contacts"], ["<REDACTED>", 7])
      assert.strictEqual(out["other"], "kept")
      assert.match(out["phone"], /^\+\d\d \d-\d\d-\d\d-\d\d-\d\d$/)
      assert.notStrictEqual(out["phone"], event.phone)
      // On a copy: the caller's event is unchanged.
      assert.strictEqual(event.email, "ada@example.com")
      assert.deepStrictEqual(event.profile, { name: "Ada", age: 36 })
      // Deterministic for one salt, different for another.
      assert.strictEqual((compiled.transform(event) as any).phone, out["phone"])
      const other = yield* compile("another-salt")
      assert.notStrictEqual((other.transform(event) as any).email, out["email"])
    }))

  it.effect("the salt is required by hash and format-preserving masks, and never appears in errors", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(compile(undefined))
      assert.include(error.message, "Field 'email' is transformed with 'hash', which needs the contract's PII salt")
    }))

  it.effect("a transform on a non-string field is a compile error with the reference's message", () =>
    Effect.gen(function*() {
      const contracts = yield* Contracts
      const contract = yield* contracts.parse(
        "version: \"1\"\nname: x\nontology:\n  entities:\n    - name: u\n      type: object\n      properties: [{name: n, type: integer, transform: {kind: redact}}]\n",
        "x.yaml"
      )
      const error = yield* Effect.flip(contracts.compile(contract))
      assert.strictEqual(
        error.message,
        "Field 'u.n' declares a PII transform but has type 'Integer' — transforms are only supported on string fields. If this field holds PII, change its type to 'string'."
      )
    }).pipe(Effect.provide(ContractsLive.layer)))

  it.effect("values that are absent or not strings are kept as sent; non-object events pass through", () =>
    Effect.gen(function*() {
      const compiled = yield* compile(SALT)
      assert.deepStrictEqual(compiled.transform({ email: 5 }), { email: 5 })
      assert.deepStrictEqual(compiled.transform([1]), [1])
    }))
})
