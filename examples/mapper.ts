// Object mapping: a typed value to a payload and back, with settings, and a
// YAML error that says where. Run with: node examples/mapper.ts
import { Effect, Schema } from "effect"
import { MapperModules, MapperSettings, ObjectMapper, ObjectMapperLive } from "../src/index.ts"

const { Alias, DateFormat, Union, withSettings } = MapperSettings

class Item extends Schema.Class<Item>("Item")({
  sku: Schema.String.pipe(withSettings(Alias("id"))), // written as "id"
  qty: Schema.Int
}) {}
class Pickup extends Schema.Class<Pickup>("Pickup")({ store: Schema.String }) {}
class Courier extends Schema.Class<Courier>("Courier")({ address: Schema.String }) {}

const Order = Schema.Struct({
  day: Schema.Date.pipe(withSettings(DateFormat("%d.%m.%Y"))),
  items: Schema.Array(Item),
  delivery: Schema.Union([Pickup, Courier]).pipe(withSettings(Union({ style: "flat", discriminatorKey: "kind" })))
})

const program = Effect.gen(function*() {
  const mapper = yield* ObjectMapper.ObjectMapper
  const order = yield* mapper.read(Order, "day: 04.02.2026\nitems:\n  - id: pen\n    qty: 2\ndelivery:\n  kind: Pickup\n  store: Lyon\n")
  console.log(JSON.stringify(yield* mapper.serialize(Order, order)))
  const bad = yield* Effect.flip(mapper.read(Order, "day: 04.02.2026\nitems:\n  - id: pen\n    qty: two\ndelivery: {kind: Pickup, store: Lyon}\n", { filename: "order.yaml" }))
  console.log(bad.message.split("\n")[0])
})

program.pipe(Effect.provide(ObjectMapperLive.layerWith({ module: MapperModules.yaml })), Effect.runPromise)
