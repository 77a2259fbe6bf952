// Artifact types for examples/artifacts.ts and `strata artifacts serve --types examples/artifact-types.ts`.
import { Effect, Schema } from "effect"
import { ArtifactFields, Artifacts } from "../src/index.ts"

export const WordCount = Artifacts.artifactType({
  name: "WordCount",
  description: "How many times each word occurs in a text.",
  spec: Schema.Struct({
    text: Schema.String,
    lowercase: Schema.Boolean.pipe(Schema.withDecodingDefaultKey(Effect.succeed(true)))
  }),
  fields: { counts: ArtifactFields.json(Schema.Record(Schema.String, Schema.Number)), summary: ArtifactFields.text },
  build: (spec, out) =>
    Effect.gen(function*() {
      const words = (spec.lowercase ? spec.text.toLowerCase() : spec.text).split(/\W+/).filter((word) => word !== "")
      const counts: Record<string, number> = {}
      for (const word of words) counts[word] = (counts[word] ?? 0) + 1
      yield* out.write("counts", counts)
      yield* out.write("summary", `${words.length} words, ${Object.keys(counts).length} distinct`)
    })
})

export const types = [WordCount]
