import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Union, UnionRegistry, withSettings } from "../../../src/services/MapperSettings.ts"
import { failure, firstLine, roundTrip, serializeFailure } from "./mapperHarness.ts"

class Dog extends Schema.Class<Dog>("Dog")({ name: Schema.String, barks: Schema.Boolean }) {}
class Cat extends Schema.Class<Cat>("Cat")({ name: Schema.String, lives: Schema.Number }) {}
const Pet = Schema.Union([Dog, Cat])
const dog = new Dog({ name: "rex", barks: true })
const cat = new Cat({ name: "tom", lives: 9 })
const styled = (options: Parameters<typeof Union>[0]) => Pet.pipe(withSettings(Union(options)))

describe("ObjectMapper unions", () => {
  it.effect("nested (the default style): {type: id, <id>: payload}", () =>
    Effect.gen(function*() {
      const Nested = styled({})
      yield* roundTrip(Nested, { type: "Dog", Dog: { name: "rex", barks: true } }, { value: dog })
      yield* roundTrip(Nested, { type: "Cat", Cat: { name: "tom", lives: 9 } }, { value: cat })
      assert.strictEqual(firstLine(yield* failure(Nested, { Dog: {} })), "missing discriminator key 'type'.")
      assert.strictEqual(firstLine(yield* failure(Nested, { type: "Dog" })), "missing nesting key 'Dog'.")
      assert.strictEqual(firstLine(yield* failure(Nested, { type: 3 })), "type: expected a string, got 3.")
      assert.strictEqual(firstLine(yield* failure(Nested, { type: "Cow" })), "type: 'Cow' is not a member id of Dog | Cat (known ids: Dog, Cat).")
      const error = yield* failure(Nested, { type: "Cat", Cat: { name: "tom", lives: "nine" } })
      assert.strictEqual(firstLine(error), "Cat.lives: expected a number, got 'nine'.")
    }))

  it.effect("nested with a discriminator and nesting key of its own (used both ways, unlike databind)", () =>
    Effect.gen(function*() {
      const Nested = styled({ discriminatorKey: "kind", nestingKey: "spec" })
      yield* roundTrip(Nested, { kind: "Dog", spec: { name: "rex", barks: true } }, { value: dog })
    }))

  it.effect("flat: the member's object with the discriminator added", () =>
    Effect.gen(function*() {
      const Flat = styled({ style: "flat" })
      yield* roundTrip(Flat, { name: "tom", lives: 9, type: "Cat" }, { value: cat })
      assert.strictEqual(firstLine(yield* failure(Flat, { name: "tom", type: "Cat" })), "missing required key 'lives'.")
      const Plain = Schema.Union([Schema.String, Schema.Number]).pipe(withSettings(Union({ style: "flat", members: { s: Schema.String } })))
      assert.strictEqual(
        firstLine(yield* serializeFailure(Plain, "x")),
        "the flat union style needs members written as mappings; s is not."
      )
    }))

  it.effect("keyed: {<id>: payload}, exactly one key", () =>
    Effect.gen(function*() {
      const Keyed = styled({ style: "keyed" })
      yield* roundTrip(Keyed, { Dog: { name: "rex", barks: true } }, { value: dog })
      assert.strictEqual(
        firstLine(yield* failure(Keyed, { Dog: {}, Cat: {} })),
        "expected exactly one key naming the member, got 2 key(s)."
      )
    }))

  it.effect("best_match: the first member that loads wins; plain unions are best-match", () =>
    Effect.gen(function*() {
      const Best = styled({ style: "best_match" })
      yield* roundTrip(Best, { name: "tom", lives: 9 }, { value: cat })
      yield* roundTrip(Pet, { name: "rex", barks: true }, { value: dog })
      const error = yield* failure(Pet, { name: "x" })
      assert.strictEqual(
        firstLine(error),
        "a mapping matches no member of the union (Dog: missing required key 'barks'; Cat: missing required key 'lives')."
      )
    }))

  it.effect("tagged structs need no setting: the literal tag picks the member", () =>
    Effect.gen(function*() {
      const Shape = Schema.Union([
        Schema.TaggedStruct("Circle", { r: Schema.Number }),
        Schema.TaggedStruct("Square", { side: Schema.Number })
      ])
      yield* roundTrip(Shape, { _tag: "Square", side: 2 })
      yield* roundTrip(Schema.Array(Shape), [{ _tag: "Circle", r: 1 }, { _tag: "Square", side: 2 }])
    }))

  it.effect("members registered by id, also after the first use", () =>
    Effect.gen(function*() {
      const registry = new UnionRegistry().register("dog", Dog)
      const Animal = Schema.Unknown.pipe(withSettings(Union({ members: registry })))
      yield* roundTrip(Animal, { type: "dog", dog: { name: "rex", barks: true } }, { value: dog })
      assert.strictEqual(firstLine(yield* failure(Animal, { type: "cat", cat: {} })), "type: 'cat' is not a member id of unknown (known ids: dog).")
      registry.register("cat", Cat)
      yield* roundTrip(Animal, { type: "cat", cat: { name: "tom", lives: 9 } }, { value: cat })
    }))

  it.effect("serializing a value of no member is an error, not an exception", () =>
    Effect.gen(function*() {
      assert.strictEqual(firstLine(yield* serializeFailure(styled({}), { name: "x" })), "a mapping is not a member of Dog | Cat.")
    }))
})
