/**
 * The object mapper against Effect Schema's own decoder and encoder of the
 * same schema, in the same run (target: at least 0.8x).
 *
 * - a 10-field record (strings, numbers, a boolean, a literal union, an
 *   optional field, a list, a nested struct, an int check);
 * - a list of 1,000 tagged-union items (three `TaggedStruct` members,
 *   chosen by `_tag`; a third of the items are the last member).
 *
 * Ours: `mapper.decoder(schema)` / `mapper.encoder(schema)`, compiled once
 * (the per-value path). Baseline: `Schema.decodeUnknownSync(schema)` /
 * `Schema.encodeSync(schema)`, also built once. Both return the same values;
 * the baseline throws on bad input where ours returns a `Result`.
 * Informational: one `Effect.runSync(mapper.deserialize(...))` per value,
 * the Effect API with its span.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import * as ObjectMapperLive from "../src/layers/ObjectMapperLive.ts"
import { ObjectMapper } from "../src/services/ObjectMapper.ts"
import { compare } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

const TARGET = 0.8
const REPEATS = 7
const RECORD_OPS = 100_000
const LIST_OPS = 200

const Record10 = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  email: Schema.String,
  active: Schema.Boolean,
  score: Schema.Number,
  kind: Schema.Literals(["user", "admin", "bot"]),
  note: Schema.optional(Schema.String),
  tags: Schema.Array(Schema.String),
  address: Schema.Struct({ city: Schema.String, zip: Schema.String }),
  visits: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})

const Shape = Schema.Union([
  Schema.TaggedStruct("Circle", { radius: Schema.Number }),
  Schema.TaggedStruct("Square", { side: Schema.Number }),
  Schema.TaggedStruct("Rect", { width: Schema.Number, height: Schema.Number })
])
const Shapes = Schema.Array(Shape)

const records = Array.from({ length: 1000 }, (_, i) => ({
  id: i,
  name: `user ${i}`,
  email: `user${i}@example.com`,
  active: i % 2 === 0,
  score: i * 1.5,
  kind: (["user", "admin", "bot"] as const)[i % 3]!,
  ...(i % 2 === 0 ? { note: "hello" } : {}),
  tags: ["a", "b"],
  address: { city: "Paris", zip: `750${i % 10}` },
  visits: i
}))
const shapes = Array.from({ length: 1000 }, (_, i) =>
  i % 3 === 0 ? { _tag: "Circle", radius: i } : i % 3 === 1 ? { _tag: "Square", side: i } : { _tag: "Rect", width: i, height: 2 })

const mapper = Effect.runSync(ObjectMapper.use(Effect.succeed).pipe(Effect.provide(ObjectMapperLive.layer)))

const loop = (ops: number, inputs: ReadonlyArray<unknown>, convert: (input: unknown) => unknown): Side => ({
  prepare: async () => async () => {
    for (let i = 0; i < ops; i++) convert(inputs[i % inputs.length])
  }
})

const orThrow = <A>(convert: (input: A) => Result.Result<unknown, unknown>) => (input: unknown) => {
  const result = convert(input as A)
  if (Result.isFailure(result)) throw new Error(String(result.failure))
  return result.success
}

const decodedRecords = records.map((record) => Schema.decodeUnknownSync(Record10)(record))
const decodedShapes = [Schema.decodeUnknownSync(Shapes)(shapes)]

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const rows: ReadonlyArray<Parameters<typeof compare>[0]> = [
    {
      name: "mapper deserialize 10-field record",
      baseline: "Schema.decodeUnknownSync",
      ops: RECORD_OPS,
      target: TARGET,
      ours: loop(RECORD_OPS, records, orThrow(mapper.decoder(Record10))),
      base: loop(RECORD_OPS, records, Schema.decodeUnknownSync(Record10))
    },
    {
      name: "mapper serialize 10-field record",
      baseline: "Schema.encodeSync",
      ops: RECORD_OPS,
      target: TARGET,
      ours: loop(RECORD_OPS, decodedRecords, orThrow(mapper.encoder(Record10))),
      base: loop(RECORD_OPS, decodedRecords, Schema.encodeSync(Record10) as (input: unknown) => unknown)
    },
    {
      name: "mapper deserialize 1,000 tagged unions",
      baseline: "Schema.decodeUnknownSync",
      ops: LIST_OPS,
      target: TARGET,
      ours: loop(LIST_OPS, [shapes], orThrow(mapper.decoder(Shapes))),
      base: loop(LIST_OPS, [shapes], Schema.decodeUnknownSync(Shapes))
    },
    {
      name: "mapper serialize 1,000 tagged unions",
      baseline: "Schema.encodeSync",
      ops: LIST_OPS,
      target: TARGET,
      ours: loop(LIST_OPS, decodedShapes, orThrow(mapper.encoder(Shapes))),
      base: loop(LIST_OPS, decodedShapes, Schema.encodeSync(Shapes) as (input: unknown) => unknown)
    },
    {
      name: "mapper deserialize 10-field record, Effect API per value",
      baseline: "Schema.decodeUnknownSync",
      ops: RECORD_OPS / 10,
      ours: loop(RECORD_OPS / 10, records, (record) => Effect.runSync(mapper.deserialize(Record10, record))),
      base: loop(RECORD_OPS / 10, records, Schema.decodeUnknownSync(Record10))
    }
  ]
  const results: Array<BenchResult> = []
  for (const row of rows) results.push(await compare({ ...row, repeats: REPEATS }))
  return results
}
