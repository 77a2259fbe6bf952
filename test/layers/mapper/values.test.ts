import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, DateTime, Duration, Effect, Option, Redacted, Schema } from "effect"
import { DateFormat, Precision, Strict, withSettings } from "../../../src/services/MapperSettings.ts"
import { failure, firstLine, roundTrip, serializeFailure } from "./mapperHarness.ts"

class Point extends Schema.Class<Point>("Point")({ x: Schema.Number, y: Schema.Number }) {
  get norm() {
    return Math.hypot(this.x, this.y)
  }
}

describe("ObjectMapper plain values", () => {
  it.effect("strings, numbers, booleans, null and literals round-trip", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ s: Schema.String, n: Schema.Number, b: Schema.Boolean, z: Schema.Null, k: Schema.Literal("on") })
      yield* roundTrip(Row, { s: "a", n: 1.5, b: false, z: null, k: "on" })
    }))

  it.effect("strict by default: '1' is not a number, true is not a number", () =>
    Effect.gen(function*() {
      assert.strictEqual(firstLine(yield* failure(Schema.Number, "1")), "expected a number, got '1'.")
      assert.strictEqual(firstLine(yield* failure(Schema.Number, true)), "expected a number, got true.")
      assert.strictEqual(firstLine(yield* failure(Schema.String, 3)), "expected a string, got 3.")
    }))

  it.effect("Strict(false) allows lossless coercions on input only", () =>
    Effect.gen(function*() {
      const settings = [Strict(false)]
      yield* roundTrip(Schema.Number, "42", { settings, value: 42, written: 42 })
      yield* roundTrip(Schema.String, 7, { settings, value: "7", written: "7" })
      yield* roundTrip(Schema.Boolean, "yes", { settings, value: true, written: true })
      // databind maps "no" to True; strata does not.
      yield* roundTrip(Schema.Boolean, "off", { settings, value: false, written: false })
      assert.strictEqual(firstLine(yield* failure(Schema.Number, "1x", { settings })), "expected a number, got '1x'.")
    }))

  it.effect("a field-level Strict(false) applies to that field only", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ loose: Schema.Number.pipe(withSettings(Strict(false))), tight: Schema.Number })
      yield* roundTrip(Row, { loose: "1", tight: 2 }, { written: { loose: 1, tight: 2 } })
      assert.strictEqual(firstLine(yield* failure(Row, { loose: 1, tight: "2" })), "tight: expected a number, got '2'.")
    }))

  it.effect("bigint travels as digits", () =>
    Effect.gen(function*() {
      yield* roundTrip(Schema.BigInt, "12345678901234567890", { value: 12345678901234567890n })
      yield* roundTrip(Schema.BigInt, 12, { value: 12n, written: "12" })
      assert.match(firstLine(yield* failure(Schema.BigInt, "1.5")) ?? "", /^expected an integer as digits/)
    }))

  it.effect("checks of the schema run after conversion", () =>
    Effect.gen(function*() {
      const Port = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 65535 }))
      yield* roundTrip(Port, 8080)
      assert.match(firstLine(yield* failure(Port, 70000)) ?? "", /^expected a value between 1 and 65535/)
      assert.match(firstLine(yield* failure(Port, 1.5)) ?? "", /^expected an integer/)
    }))

  it.effect("enums travel by member name; numeric enums by value", () =>
    Effect.gen(function*() {
      const Pet = Schema.Enum({ Dog: "dog", Cat: "cat" } as const)
      yield* roundTrip(Pet, "Dog", { value: "dog" })
      assert.strictEqual(firstLine(yield* failure(Pet, "dog")), "expected one of 'Dog', 'Cat', got 'dog' (members of enum {Dog, Cat}).")
      const Num = Schema.Enum({ One: 1, Two: 2 } as const)
      yield* roundTrip(Num, 2, { value: 2 })
      assert.match(firstLine(yield* failure(Num, 3)) ?? "", /^expected a member of enum \{One, Two\}, got 3/)
    }))

  it.effect("literal unions accept exactly their literals", () =>
    Effect.gen(function*() {
      const Mode = Schema.Literals(["a", "b"])
      yield* roundTrip(Mode, "b")
      assert.strictEqual(firstLine(yield* failure(Mode, "c")), "expected one of 'a', 'b', got 'c'.")
    }))
})

describe("ObjectMapper dates, durations and decimals", () => {
  it.effect("Date: ISO 8601 in (optional parts, offsets), toISOString out", () =>
    Effect.gen(function*() {
      yield* roundTrip(Schema.Date, "2022-02-04T11:30:10.500+01:00", {
        value: new Date("2022-02-04T10:30:10.500Z"),
        written: "2022-02-04T10:30:10.500Z"
      })
      yield* roundTrip(Schema.Date, "2022-02", { value: new Date("2022-02-01T00:00:00Z"), written: "2022-02-01T00:00:00.000Z" })
      assert.strictEqual(firstLine(yield* failure(Schema.Date, "2022-02-30")), "'2022-02-30' does not match any date format (tried: ISO_8601).")
    }))

  it.effect("DateFormat: every format parses, the first formats", () =>
    Effect.gen(function*() {
      const Day = Schema.Date.pipe(withSettings(DateFormat("%d.%m.%Y", "%Y-%m-%d")))
      yield* roundTrip(Day, "04.02.2022", { value: new Date("2022-02-04T00:00:00Z") })
      yield* roundTrip(Day, "2022-02-04", { written: "04.02.2022" })
      const Stamp = Schema.Date.pipe(withSettings(DateFormat("%Y-%m-%d %H:%M:%S.%f%z")))
      yield* roundTrip(Stamp, "2022-02-04 11:30:10.25+02:00", { written: "2022-02-04 09:30:10.25Z" })
    }))

  it.effect("DateTime.Utc uses the same formats", () =>
    Effect.gen(function*() {
      yield* roundTrip(Schema.DateTimeUtc, "2024-01-02T03:04:05.000Z", { value: DateTime.makeUnsafe("2024-01-02T03:04:05Z") })
    }))

  it.effect("Duration: ISO 8601 strings, or an object of units on input", () =>
    Effect.gen(function*() {
      yield* roundTrip(Schema.Duration, "P1DT5M", { value: Duration.millis(86_700_000) })
      yield* roundTrip(Schema.Duration, { minutes: 1, seconds: 30 }, { value: Duration.millis(90_000), written: "PT1M30S" })
      yield* roundTrip(Schema.Duration, "PT0.25S", { value: Duration.millis(250) })
      assert.strictEqual(firstLine(yield* failure(Schema.Duration, { weeks: 1 })), "unknown duration unit 'weeks' (expected one of: days, hours, minutes, seconds, millis).")
    }))

  it.effect("BigDecimal: strings keep their digits; Precision rounds; numbers only when not strict", () =>
    Effect.gen(function*() {
      yield* roundTrip(Schema.BigDecimal, "1.10", { value: BigDecimal.fromStringUnsafe("1.10") })
      const Money = Schema.BigDecimal.pipe(withSettings(Precision(2)))
      yield* roundTrip(Money, "3.14159", { value: BigDecimal.fromStringUnsafe("3.14"), written: "3.14" })
      assert.match(firstLine(yield* failure(Schema.BigDecimal, 1.5)) ?? "", /^expected a decimal number as a string/)
      yield* roundTrip(Schema.BigDecimal, 1.5, { settings: [Strict(false)], written: "1.5" })
    }))
})

describe("ObjectMapper containers", () => {
  it.effect("arrays, tuples and records", () =>
    Effect.gen(function*() {
      yield* roundTrip(Schema.Array(Schema.Number), [1, 2, 3])
      yield* roundTrip(Schema.Tuple([Schema.String, Schema.Number]), ["a", 1])
      yield* roundTrip(Schema.Record(Schema.String, Schema.Array(Schema.String)), { a: ["x"], b: [] })
      assert.strictEqual(firstLine(yield* failure(Schema.Tuple([Schema.String, Schema.Number]), ["a", 1, 2])), "expected a list of 2 item(s), found 3.")
      assert.strictEqual(firstLine(yield* failure(Schema.Array(Schema.String), "abc")), "expected a list, got 'abc'.")
      assert.strictEqual(firstLine(yield* failure(Schema.Record(Schema.String, Schema.Number), { a: 1, b: "x" })), "b: expected a number, got 'x'.")
      const Lower = Schema.String.check(Schema.isPattern(/^[a-z]+$/)).annotate({ identifier: "Lower" })
      const badKey = yield* failure(Schema.Record(Lower, Schema.Number), { ok: 1, Bad: 2 })
      assert.match(firstLine(badKey) ?? "", /^Bad: expected a string matching the RegExp .*, got 'Bad'\.$/)
      assert.include(badKey.message, ".Bad: key (string)")
      assert.strictEqual(badKey.problems[0]?.kind, "unknown-key")
    }))

  it.effect("Option is null when empty and optional as a field; NullOr fields default to null", () =>
    Effect.gen(function*() {
      const Row = Schema.Struct({ a: Schema.Option(Schema.Number), b: Schema.NullOr(Schema.String) })
      yield* roundTrip(Row, { a: 3, b: "x" }, { value: { a: Option.some(3), b: "x" } })
      yield* roundTrip(Row, {}, { value: { a: Option.none(), b: null }, written: { a: null, b: null } })
    }))

  it.effect("classes are built as instances and checked on output", () =>
    Effect.gen(function*() {
      const point = yield* roundTrip(Point, { x: 3, y: 4 })
      assert.instanceOf(point, Point)
      assert.strictEqual(point.norm, 5)
      assert.strictEqual(firstLine(yield* serializeFailure(Point, { x: 3, y: 4 })), "expected an instance of Point, got a mapping.")
    }))

  it.effect("Redacted: the secret travels, failures never show it", () =>
    Effect.gen(function*() {
      const Login = Schema.Struct({ user: Schema.String, password: Schema.Redacted(Schema.String) })
      const login = yield* roundTrip(Login, { user: "ada", password: "hunter2" })
      assert.strictEqual(Redacted.value(login.password), "hunter2")
      const error = yield* failure(Login, { user: "ada", password: 12345 })
      assert.strictEqual(firstLine(error), "password: expected string (the value is not shown).")
      assert.notInclude(error.message, "12345")
    }))

  it.effect("recursive schemas", () =>
    Effect.gen(function*() {
      interface Tree {
        readonly name: string
        readonly children: ReadonlyArray<Tree>
      }
      const Tree: Schema.Codec<Tree> = Schema.Struct({
        name: Schema.String,
        children: Schema.Array(Schema.suspend((): Schema.Codec<Tree> => Tree))
      })
      yield* roundTrip(Tree, { name: "a", children: [{ name: "b", children: [] }] })
      assert.strictEqual(firstLine(yield* failure(Tree, { name: "a", children: [{ name: 1, children: [] }] })), "children[0].name: expected a string, got 1.")
    }))
})
