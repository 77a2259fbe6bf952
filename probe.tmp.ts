import { Effect, Schema, Option, Duration, BigDecimal, Redacted, Result } from "effect"
import { ObjectMapper } from "./src/services/ObjectMapper.ts"
import * as Live from "./src/layers/ObjectMapperLive.ts"
import * as S from "./src/services/MapperSettings.ts"
class Item extends Schema.Class<Item>("Item")({ id: Schema.Number, name: Schema.String.pipe(S.withSettings(S.Alias("title", "label"))) }) {}
const Order = Schema.Struct({
  items: Schema.Array(Item), at: Schema.Date, d: Schema.Duration, price: Schema.BigDecimal, note: Schema.optional(Schema.String),
  maybe: Schema.Option(Schema.Number), secret: Schema.Redacted(Schema.String), n: Schema.NullOr(Schema.Number), big: Schema.BigInt,
  kind: Schema.Literals(["a", "b"]), tup: Schema.Tuple([Schema.String, Schema.Number]), rec: Schema.Record(Schema.String, Schema.Number)
}).annotate({ identifier: "Order" })
const prog = Effect.gen(function*() {
  const m = yield* ObjectMapper
  const v = yield* m.deserialize(Order, { items: [{ id: 1, title: "x" }], at: "2022-02-04T11:30:10Z", d: "P1DT5M", price: "1.10", maybe: null, secret: "s3", n: null, big: "123", kind: "a", tup: ["a", 1], rec: { a: 1 } })
  console.log(v)
  console.log(yield* m.serialize(Order, v))
  const bad = yield* Effect.flip(m.deserialize(Order, { items: [{ id: 1, title: "x" }, { id: "2", title: "y" }] }))
  console.log(bad.message)
  const bad2 = yield* Effect.flip(m.read(Order, "items:\n  - id: 1\n    title: x\n  - id: oops\n    title: y\nat: 2022-01-01\n", { filename: "order.yaml" }))
  console.log(bad2.message)
  const all = yield* Effect.flip(m.deserialize(Order, { items: [{ id: "1" }, { id: 2, title: "y", zzz: 1 }], at: 3 }, { errors: "all" }))
  console.log(all.message)
})
Effect.runPromise(prog.pipe(Effect.provide(Live.layer))).catch(e => console.error("FAILED", e))
