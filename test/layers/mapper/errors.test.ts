import { assert, describe, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { json, yaml } from "../../../src/layers/mapper/modules.ts"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import { Alias, Flattened, Union, withSettings } from "../../../src/services/MapperSettings.ts"
import { MapperError, ObjectMapper } from "../../../src/services/ObjectMapper.ts"
import { expandedFields, fields } from "../../../src/layers/mapper/fields.ts"

class Item extends Schema.Class<Item>("Item")({ id: Schema.Number, name: Schema.String }) {}
class Order extends Schema.Class<Order>("Order")({ customer: Schema.String, items: Schema.Array(Item) }) {}

const ORDER_YAML = [
  "customer: ada", //   line 1
  "items:", //          line 2
  "  - id: 1", //       line 3
  "    name: pen", //   line 4
  "  - id: two", //     line 5
  "    name: ink" //    line 6
].join("\n")

const withModule = (module: typeof json) => ObjectMapperLive.layerWith({ module })

describe("ObjectMapper errors", () => {
  it.effect("a YAML payload's error names file, line, column, path and the trace", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const error = yield* Effect.flip(mapper.read(Order, ORDER_YAML, { filename: "order.yaml" }))
      assert.strictEqual(error.direction, "deserialize")
      assert.strictEqual(
        error.message,
        [
          "order.yaml:5:9: items[1].id: expected a number, got 'two'.",
          "",
          "Trace (deserialize):",
          "  In \"order.yaml\"",
          "    $: Order (at 1:1)",
          "    .items: Array<Item> (at 3:3)",
          "    [1]: Item (at 5:5)",
          "    .id: number (at 5:9)"
        ].join("\n")
      )
      assert.deepStrictEqual(error.problems[0]?.path, ["items", 1, "id"])
    }).pipe(Effect.provide(withModule(yaml))))

  it.effect("an unknown key points at the key; JSON text has positions too", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const text = "{\n  \"customer\": \"ada\",\n  \"items\": [],\n  \"cusomer\": 1\n}"
      const error = yield* Effect.flip(mapper.read(Order, text, { filename: "order.json" }))
      assert.strictEqual(error.message.split("\n")[0], "order.json:4:3: cusomer: unknown key 'cusomer' (expected one of: customer, items).")
    }).pipe(Effect.provide(withModule(json))))

  it.effect("malformed text is a MapperError with the position", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const error = yield* Effect.flip(mapper.read(Order, "customer: [ada\n", { filename: "bad.yaml" }))
      assert.match(error.message, /^bad\.yaml:\d+:\d+: malformed YAML: /)
    }).pipe(Effect.provide(withModule(yaml))))

  it.effect("errors: 'all' reports every problem, sorted as found", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const error = yield* Effect.flip(mapper.deserialize(Order, { items: [{ id: "1", name: "a" }, { id: 2 }] }, { errors: "all" }))
      assert.deepStrictEqual(error.problems.map((problem) => `${problem.path.join(".")}: ${problem.message}`), [
        ": missing required key 'customer'",
        "items.0.id: expected a number, got '1'",
        "items.1: missing required key 'name'"
      ])
    }).pipe(Effect.provide(ObjectMapperLive.layer)))

  it.effect("serialize errors say so and trace the value", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const bad = new Order({ customer: "ada", items: [] })
      Object.assign(bad, { items: [{ id: 1, name: "x" }] })
      const error = yield* Effect.flip(mapper.serialize(Order, bad))
      assert.strictEqual(error.direction, "serialize")
      assert.strictEqual(error.message.split("\n")[0], "items[0]: expected an instance of Item, got a mapping.")
      assert.include(error.message, "Trace (serialize):")
    }).pipe(Effect.provide(ObjectMapperLive.layer)))

  it.effect("random junk payloads give MapperErrors, never exceptions", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const Pet = Schema.Union([Item, Order]).pipe(withSettings(Union({ style: "flat" })))
      const Everything = Schema.Struct({
        order: Order,
        when: Schema.Date,
        pets: Schema.Array(Pet),
        counts: Schema.Record(Schema.String, Schema.BigInt),
        pair: Schema.Tuple([Schema.Duration, Schema.BigDecimal]),
        inner: Schema.Struct({ a: Schema.Literals(["x", "y"]) }).pipe(withSettings(Flattened())),
        renamed: Schema.Option(Schema.Redacted(Schema.String)).pipe(withSettings(Alias("secret")))
      })
      const decode = mapper.decoder(Everything)
      const random = seeded(42)
      let failures = 0
      for (let i = 0; i < 2000; i++) {
        const result = decode(junk(random, 4))
        if (Result.isFailure(result)) {
          assert.instanceOf(result.failure, MapperError)
          assert.isAbove(result.failure.message.length, 0)
          failures++
        }
      }
      assert.strictEqual(failures, 2000)
      // Junk values given to serialize fail the same way.
      const encode = mapper.encoder(Everything)
      for (let i = 0; i < 500; i++) assert.isTrue(Result.isFailure(encode(junk(random, 4) as never)))
    }).pipe(Effect.provide(ObjectMapperLive.layer)))

  it.effect("keys named like Object.prototype members are data, never inherited or the prototype", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const Odd = Schema.Struct({ constructor: Schema.optional(Schema.String), toString: Schema.String })
      const missing = yield* Effect.flip(mapper.deserialize(Odd, {}))
      assert.strictEqual(missing.message.split("\n")[0], "missing required key 'toString'.")
      const Bag = Schema.Record(Schema.String, Schema.Number)
      const bag = (yield* mapper.deserialize(Bag, JSON.parse("{\"__proto__\": 1, \"a\": 2}"))) as Record<string, number>
      assert.deepStrictEqual(Object.keys(bag), ["__proto__", "a"])
      assert.strictEqual(Object.getPrototypeOf(bag), Object.prototype)
    }).pipe(Effect.provide(ObjectMapperLive.layer)))

  it.effect("a nullable field says null is allowed too", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const error = yield* Effect.flip(mapper.deserialize(Schema.Struct({ n: Schema.NullOr(Schema.Number) }), { n: "x" }))
      assert.strictEqual(error.message.split("\n")[0], "n: expected null or a number, got 'x'.")
    }).pipe(Effect.provide(ObjectMapperLive.layer)))
})

describe("schema introspection", () => {
  it("lists fields with required, default and aliases, and expands flattened ones", () => {
    const Inner = Schema.Struct({ c: Schema.String.pipe(withSettings(Alias("see"))) })
    const Outer = Schema.Struct({
      a: Schema.Number,
      b: Schema.optional(Schema.Number).pipe(Schema.withDecodingDefault(Effect.succeed(2))),
      inner: Inner.pipe(withSettings(Flattened()))
    })
    const own = fields(Outer)
    assert.deepStrictEqual(own.map((field) => [field.name, field.required, field.aliases, field.flattened]), [
      ["a", true, ["a"], false],
      ["b", false, ["b"], false],
      ["inner", true, ["inner"], true]
    ])
    assert.strictEqual(own[1]?.default?.(), 2)
    assert.deepStrictEqual(expandedFields(Outer).map((field) => field.aliases[0]), ["a", "b", "see"])
  })
})

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const KEYS = ["order", "when", "pets", "counts", "pair", "a", "secret", "type", "Item", "id", "name", "customer", "items", "__proto__"]

const junk = (random: () => number, depth: number): unknown => {
  const pick = Math.floor(random() * (depth > 0 ? 11 : 8))
  switch (pick) {
    case 0: return null
    case 1: return random() < 0.5
    case 2: return Math.floor(random() * 1000) - 500
    case 3: return random() * 1e6
    case 4: return ["", "x", "2024-01-01", "P1D", "1.5", "Item", "NaN"][Math.floor(random() * 7)]
    case 5: return undefined
    case 6: return Number.NaN
    case 7: return [Number.POSITIVE_INFINITY, -0, 2 ** 60][Math.floor(random() * 3)]
    case 8:
    case 9: {
      const out: Record<string, unknown> = {}
      const size = Math.floor(random() * 5)
      for (let i = 0; i < size; i++) out[KEYS[Math.floor(random() * KEYS.length)]!] = junk(random, depth - 1)
      return out
    }
    default: return Array.from({ length: Math.floor(random() * 4) }, () => junk(random, depth - 1))
  }
}
