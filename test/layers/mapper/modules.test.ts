import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema, SchemaTransformation } from "effect"
import { json, yaml } from "../../../src/layers/mapper/modules.ts"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import * as MapperModule from "../../../src/services/MapperModule.ts"
import { MapperSettings } from "../../../src/services/MapperSettings.ts"
import { ObjectMapper } from "../../../src/services/ObjectMapper.ts"

/** A user's own opaque type: cents in memory, "12.34 EUR" in payloads. */
interface Money {
  readonly cents: number
  readonly currency: string
}
const isMoney = (value: unknown): value is Money =>
  typeof value === "object" && value !== null && "cents" in value && "currency" in value
const Money = Schema.declare(isMoney, { identifier: "Money" })

const moneyConverter = MapperModule.converter({
  name: "money",
  is: (ast) => ast === Money.ast,
  serialize: (value) => {
    const money = value as Money
    return `${(money.cents / 100).toFixed(2)} ${money.currency}`
  },
  deserialize: (payload) => {
    const match = typeof payload === "string" ? /^(\d+)\.(\d{2}) ([A-Z]{3})$/.exec(payload) : null
    if (match === null) return MapperModule.fail(`expected an amount such as '12.34 EUR', got ${JSON.stringify(payload)}`)
    return { cents: Number(match[1]) * 100 + Number(match[2]), currency: match[3] }
  }
})

const Invoice = Schema.Struct({ id: Schema.String, total: Money })
const withMoney = ObjectMapperLive.layerNoDeps.pipe(
  Layer.provide([MapperModule.layer(MapperModule.prepend(json, moneyConverter)), MapperSettings.layerEmpty])
)

describe("converter modules", () => {
  it.effect("a user's converter maps a user's type, errors traced like the built-in ones", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const invoice = yield* mapper.deserialize(Invoice, { id: "a", total: "12.34 EUR" })
      assert.deepStrictEqual(invoice, { id: "a", total: { cents: 1234, currency: "EUR" } })
      assert.deepStrictEqual(yield* mapper.serialize(Invoice, invoice), { id: "a", total: "12.34 EUR" })
      const error = yield* Effect.flip(mapper.deserialize(Invoice, { id: "a", total: 12 }))
      assert.strictEqual(error.message.split("\n")[0], "total: expected an amount such as '12.34 EUR', got 12.")
      assert.include(error.message, ".total: Money")
    }).pipe(Effect.provide(withMoney)))

  it.effect("without the converter, the declared type is reported, not thrown", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const error = yield* Effect.flip(mapper.deserialize(Invoice, { id: "a", total: "12.34 EUR" }))
      assert.strictEqual(error.message.split("\n")[0], "total: no converter for Money in the json module.")
    }).pipe(Effect.provide(ObjectMapperLive.layer)))

  it.effect("a declared type decoded from another schema goes through that schema, errors traced", () =>
    Effect.gen(function*() {
      class Tag {
        readonly name: string
        constructor(name: string) {
          this.name = name
        }
      }
      const TagFromString = Schema.String.check(Schema.makeFilter((text: string) => text.startsWith("#") || "a tag starts with #")).pipe(
        Schema.decodeTo(Schema.instanceOf(Tag), SchemaTransformation.transform({ decode: (text: string) => new Tag(text.slice(1)), encode: (tag: Tag) => `#${tag.name}` }))
      )
      const Post = Schema.Struct({ tags: Schema.Array(TagFromString) })
      const mapper = yield* ObjectMapper
      const post = yield* mapper.deserialize(Post, { tags: ["#a", "#b"] })
      assert.deepStrictEqual(post.tags.map((tag) => tag.name), ["a", "b"])
      assert.deepStrictEqual(yield* mapper.serialize(Post, post), { tags: ["#a", "#b"] })
      const error = yield* Effect.flip(mapper.deserialize(Post, { tags: ["#a", "b"] }))
      assert.strictEqual(error.message.split("\n")[0], "tags[1]: a tag starts with #.")
    }).pipe(Effect.provide(ObjectMapperLive.layer)))

  it.effect("the yaml module writes YAML text that reads back", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const Config = Schema.Struct({ name: Schema.String, ports: Schema.Array(Schema.Number), when: Schema.Date })
      const value = { name: "svc", ports: [80, 443], when: new Date("2026-01-02T03:04:05Z") }
      const text = yield* mapper.write(Config, value)
      assert.strictEqual(text, "name: svc\nports:\n  - 80\n  - 443\nwhen: 2026-01-02T03:04:05.000Z\n")
      assert.deepStrictEqual(yield* mapper.read(Config, text), value)
    }).pipe(Effect.provide(ObjectMapperLive.layerWith({ module: yaml }))))

  it.effect("the json module reads and writes JSON text", () =>
    Effect.gen(function*() {
      const mapper = yield* ObjectMapper
      const Pair = Schema.Tuple([Schema.String, Schema.BigInt])
      assert.strictEqual(yield* mapper.write(Pair, ["a", 5n]), "[\n  \"a\",\n  \"5\"\n]")
      assert.deepStrictEqual(yield* mapper.read(Pair, "[\"a\", \"5\"]"), ["a", 5n])
    }).pipe(Effect.provide(ObjectMapperLive.layer)))
})
