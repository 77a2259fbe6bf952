import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import { json } from "../../../src/layers/mapper/modules.ts"
import * as MapperModule from "../../../src/services/MapperModule.ts"
import {
  Alias,
  DateFormat,
  DeserializeAs,
  ExtraKeys,
  Flattened,
  forType,
  MapperSettings,
  Priority,
  Remainder,
  Required,
  SerializeDefaults,
  Strict,
  when,
  withPriority,
  withSettings
} from "../../../src/services/MapperSettings.ts"
import { ObjectMapper } from "../../../src/services/ObjectMapper.ts"
import { failure, firstLine, roundTrip, serializeFailure } from "./mapperHarness.ts"

describe("ObjectMapper settings", () => {
  it.effect("Alias: the first alias is written, every alias is read, the plain name is not", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ name: Schema.String.pipe(withSettings(Alias("title", "label"))) })
      yield* roundTrip(Row, { title: "a" }, { value: { name: "a" } })
      yield* roundTrip(Row, { label: "b" }, { value: { name: "b" }, written: { title: "b" } })
      assert.strictEqual(firstLine(yield* failure(Row, { name: "c" })), "missing required key 'title' (or 'label').")
      // Both present: the second is an unknown key.
      assert.strictEqual(firstLine(yield* failure(Row, { title: "a", label: "b" })), "label: unknown key 'label' (expected one of: title).")
    }))

  it.effect("ExtraKeys: rejected by default, allowed, or recorded; class-level and per call", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ a: Schema.Number })
      assert.strictEqual(firstLine(yield* failure(Row, { a: 1, b: 2 })), "b: unknown key 'b' (expected one of: a).")
      yield* roundTrip(Row, { a: 1, b: 2, c: 3 }, { settings: [ExtraKeys()], value: { a: 1 }, written: { a: 1 } })
      const seen: Array<ReadonlyArray<string>> = []
      const recorder = ExtraKeys(true, { recorder: (keys) => seen.push(keys) })
      yield* roundTrip(Row, { c: 3, a: 1, b: 2 }, { settings: [recorder], written: { a: 1 } })
      assert.deepStrictEqual(seen, [["b", "c"]])
      const Open = Row.pipe(withSettings(ExtraKeys()))
      yield* roundTrip(Schema.Struct({ inner: Open }), { inner: { a: 1, z: 0 } }, { written: { inner: { a: 1 } } })
      // Not transitive: the outer struct still rejects.
      assert.strictEqual(firstLine(yield* failure(Schema.Struct({ inner: Open }), { inner: { a: 1 }, z: 0 })), "z: unknown key 'z' (expected one of: inner).")
    }))

  it.effect("Flattened: nested fields live in the parent, two levels deep", () =>
    Effect.gen(function*() {
      const Deep = Schema.Struct({ e: Schema.Number })
      const Inner = Schema.Struct({ c: Schema.String, deep: Deep.pipe(withSettings(Flattened())) })
      const Outer = Schema.Struct({ a: Schema.Number, inner: Inner.pipe(withSettings(Flattened())) })
      yield* roundTrip(Outer, { a: 1, c: "x", e: 2 }, { value: { a: 1, inner: { c: "x", deep: { e: 2 } } } })
      // A missing flattened field is reported at the parent.
      const missing = yield* failure(Outer, { a: 1, c: "x" })
      assert.strictEqual(firstLine(missing), "missing required key 'e'.")
      assert.deepStrictEqual(missing.problems[0]?.path, [])
      assert.strictEqual(firstLine(yield* failure(Outer, { a: 1, c: 5, e: 2 })), "c: expected a string, got 5.")
    }))

  it.effect("Flattened: a name claimed twice is refused when the schema is compiled", () =>
    Effect.gen(function*() {
      const Inner = Schema.Struct({ a: Schema.Number })
      const Clash = Schema.Struct({ a: Schema.Number, inner: Inner.pipe(withSettings(Flattened())) })
      assert.strictEqual(
        firstLine(yield* failure(Clash, { a: 1 })),
        "the schema cannot be mapped: field 'a' occurs more than once (after flattening)."
      )
    }))

  it.effect("Remainder: one record field takes the unclaimed keys; collisions are refused on output", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ a: Schema.Number, rest: Schema.Record(Schema.String, Schema.Number).pipe(withSettings(Remainder())) })
      yield* roundTrip(Row, { a: 1, p: 2, q: 3 }, { value: { a: 1, rest: { p: 2, q: 3 } } })
      yield* roundTrip(Row, { a: 1 }, { value: { a: 1, rest: {} }, written: { a: 1 } })
      const bad = yield* failure(Row, { a: 1, p: "x" })
      assert.strictEqual(firstLine(bad), "rest.p: expected a number, got 'x'.")
      assert.strictEqual(firstLine(yield* serializeFailure(Row, { a: 1, rest: { a: 5 } })), "keys of the remainder collide with other fields: 'a'.")
      class Labels extends Schema.Class<Labels>("Labels")({
        name: Schema.String,
        other: Schema.Record(Schema.String, Schema.String).pipe(withSettings(Remainder()))
      }) {}
      const labels = yield* roundTrip(Labels, { name: "x", env: "prod" }, { value: new Labels({ name: "x", other: { env: "prod" } }) })
      assert.instanceOf(labels, Labels)
      const Rest = Schema.Record(Schema.String, Schema.Number)
      const Twice = Schema.Struct({ p: Rest.pipe(withSettings(Remainder())), q: Rest.pipe(withSettings(Remainder())) })
      assert.strictEqual(firstLine(yield* failure(Twice, {})), "the schema cannot be mapped: it has more than one remainder field (p, q).")
    }))

  it.effect("Required: an optional field must be present", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ a: Schema.optional(Schema.Number).pipe(withSettings(Required())), b: Schema.optional(Schema.Number) })
      yield* roundTrip(Row, { a: 1 })
      assert.strictEqual(firstLine(yield* failure(Row, {})), "missing required key 'a'.")
    }))

  it.effect("defaults fill missing fields; SerializeDefaults(false) leaves them out", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({
        a: Schema.Number,
        retries: Schema.optional(Schema.Number).pipe(Schema.withDecodingDefault(Effect.succeed(3))),
        tags: Schema.optional(Schema.Array(Schema.String)).pipe(Schema.withDecodingDefault(Effect.succeed([])))
      })
      yield* roundTrip(Row, { a: 1 }, { value: { a: 1, retries: 3, tags: [] }, written: { a: 1, retries: 3, tags: [] } })
      const terse = [SerializeDefaults(false)]
      yield* roundTrip(Row, { a: 1, retries: 3 }, { settings: terse, written: { a: 1 } })
      yield* roundTrip(Row, { a: 1, retries: 4, tags: ["x"] }, { settings: terse })
    }))

  it.effect("DeserializeAs: the field loads as the more specific schema", () =>
    Effect.gen(function*() {
      class Base extends Schema.Class<Base>("Base")({ a: Schema.Number }) {}
      class Special extends Base.extend<Special>("Special")({ b: Schema.optional(Schema.Number).pipe(Schema.withDecodingDefault(Effect.succeed(7))) }) {}
      const Row = Schema.Struct({ item: Base.pipe(withSettings(DeserializeAs(Special))) })
      const row = yield* roundTrip(Row, { item: { a: 1 } }, { written: { item: { a: 1, b: 7 } } })
      assert.instanceOf(row.item, Special)
    }))

  it.effect("priorities: an annotation beats a global setting of equal priority, a HIGH global beats it", () =>
    Effect.gen(function*() {
      const Day = Schema.Date.pipe(withSettings(DateFormat("%d.%m.%Y")))
      const global = DateFormat("%Y/%m/%d")
      yield* roundTrip(Day, "04.02.2022", { settings: [global] })
      yield* roundTrip(Day, "2022/02/04", { settings: [withPriority(global, Priority.HIGH)] })
      // Plain dates take the global one.
      yield* roundTrip(Schema.Date, "2022/02/04", { settings: [global] })
    }))

  it.effect("the MapperSettings layer: global, per type and conditional settings", () =>
    Effect.gen(function*() {
      const Count = Schema.Number.annotate({ identifier: "Count" })
      const Loose = Schema.Struct({ n: Count })
      const Tight = Schema.Struct({ n: Schema.Number })
      const settings = MapperSettings.layer([ExtraKeys()], {
        local: [forType(Count, Strict(false))],
        providers: [when((ast) => ast === Tight.ast, ExtraKeys(false))]
      })
      const mapper = yield* ObjectMapper.pipe(
        Effect.provide(ObjectMapperLive.layerNoDeps.pipe(Layer.provide([MapperModule.layer(json), settings])))
      )
      assert.deepStrictEqual(yield* mapper.deserialize(Loose, { n: "1", extra: true }), { n: 1 })
      const error = yield* Effect.flip(mapper.deserialize(Tight, { n: 1, extra: true }))
      assert.strictEqual(firstLine(error), "extra: unknown key 'extra' (expected one of: n).")
    }))
})
