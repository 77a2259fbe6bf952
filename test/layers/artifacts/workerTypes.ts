/** Artifact types for the worker builder test: a CPU-bound build, a failing one, one reading another. */
import { Effect, Schema } from "effect"
import { threadId } from "node:worker_threads"
import * as Fields from "../../../src/layers/artifacts/fields.ts"
import { ArtifactRefSchema, artifactType } from "../../../src/services/Artifacts.ts"

export const Primes = artifactType({
  name: "Primes",
  spec: Schema.Struct({ below: Schema.Int }),
  fields: { count: Fields.json(Schema.Number), thread: Fields.json(Schema.Number), window: Fields.json(Schema.Array(Schema.Number)) },
  build: (spec, out) =>
    Effect.gen(function*() {
      const started = Date.now()
      let count = 0
      for (let n = 2; n < spec.below; n++) {
        let prime = true
        for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false
        if (prime) count++
      }
      yield* Effect.sleep(1500) // keeps builds overlapping long enough to observe the bound
      yield* out.write("count", count)
      yield* out.write("thread", threadId)
      yield* out.write("window", [started, Date.now()])
    })
})

export const Broken = artifactType({
  name: "Broken",
  spec: Schema.Struct({}),
  fields: {},
  build: () => Effect.fail(new Error("no input files were found"))
})

/** Reads another artifact through an `@/` ref, in the worker. */
export const Doubled = artifactType({
  name: "Doubled",
  spec: Schema.Struct({ input: ArtifactRefSchema }),
  fields: { count: Fields.json(Schema.Number) },
  build: (spec, out) =>
    Effect.gen(function*() {
      if (spec.input.artifact === undefined) return yield* Effect.fail(new Error(`nothing at ${spec.input.path}`))
      yield* out.write("count", Number(yield* spec.input.artifact.readEntry("count")) * 2)
    })
})

export const types = [Primes, Broken, Doubled]
