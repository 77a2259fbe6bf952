/** Shared set-up of the artifacts tests: two artifact types and the service over a local or memory root. */
import { Effect, Layer, Schema } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as ArtifactsLive from "../../../src/layers/artifacts/ArtifactsLive.ts"
import * as Fields from "../../../src/layers/artifacts/fields.ts"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import { ArtifactRefSchema, artifactType } from "../../../src/services/Artifacts.ts"
import type { AnyArtifactType } from "../../../src/services/Artifacts.ts"
import { StorageClient } from "../../../src/services/StorageClient.ts"
import { makeClient } from "../storageClientHarness.ts"

/** How many times each build function ran, by type name. */
export const builds = new Map<string, number>()
const count = (name: string) => builds.set(name, (builds.get(name) ?? 0) + 1)

export const Sum = artifactType({
  name: "Sum",
  description: "The scaled sum of some numbers.",
  spec: Schema.Struct({
    values: Schema.Array(Schema.Finite),
    scale: Schema.Finite.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))),
    delayMs: Schema.Int.pipe(Schema.withDecodingDefaultKey(Effect.succeed(0)))
  }),
  fields: { total: Fields.json(Schema.Number), log: Fields.text },
  build: (spec, out) =>
    Effect.gen(function*() {
      count("Sum")
      yield* Effect.sleep(spec.delayMs)
      yield* out.write("total", spec.values.reduce((a, b) => a + b, 0) * spec.scale)
      yield* out.write("log", `summed ${spec.values.length} values`)
    })
})

export const Flaky = artifactType({
  name: "Flaky",
  spec: Schema.Struct({ fail: Schema.Boolean }),
  fields: {},
  build: (spec) => {
    count("Flaky")
    return spec.fail ? Effect.fail(new Error("the input was refused")) : Effect.void
  }
})

/** What a Scaled build saw of its input ref, by the path it was built in. */
export const scaledInputs = new Map<string, { readonly path: string; readonly opened: boolean }>()

export const Scaled = artifactType({
  name: "Scaled",
  spec: Schema.Struct({ input: ArtifactRefSchema, factor: Schema.Finite }),
  fields: { total: Fields.json(Schema.Number) },
  build: (spec, out) =>
    Effect.gen(function*() {
      count("Scaled")
      scaledInputs.set(out.path, { path: spec.input.path, opened: spec.input.artifact !== undefined })
      const total = spec.input.artifact === undefined ? 0 : yield* spec.input.artifact.readEntry("total")
      yield* out.write("total", Number(total) * spec.factor)
    })
})

export const TYPES: ReadonlyArray<AnyArtifactType> = [Sum, Flaky, Scaled]

export const scratchDir = (prefix = "strata-artifacts-") => mkdtempSync(join(tmpdir(), prefix))

/** The client of the StorageClient tests (memory profiles m1, m2; local paths). */
export const clientLayer = (dir: string) => Layer.effect(StorageClient, makeClient(dir))

/** The Artifacts service at `root` over a client, with the in-process builder. */
export const artifactsLayer = (root: string, client: Layer.Layer<StorageClient>) =>
  ArtifactsLive.layer({ root, types: TYPES }).pipe(
    Layer.provide([ArtifactsLive.builderInProcess, ObjectMapperLive.layer]),
    Layer.provideMerge(client)
  )
