/**
 * A separate process that builds one Sum artifact: `node buildChild.ts <root> <spec json> [hang]`.
 * Prints `{"path", "built"}`; with `hang`, its Sum build never ends (the parent kills it).
 */
import { Effect, Layer } from "effect"
import * as ArtifactsLive from "../../../src/layers/artifacts/ArtifactsLive.ts"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import { Artifacts } from "../../../src/services/Artifacts.ts"
import { builds, clientLayer, Flaky, Sum } from "./artifactsHarness.ts"

const [root = "", specJson = "{}", hang] = process.argv.slice(2)
const HangingSum = { ...Sum, build: () => Effect.never }
const types = [hang === "hang" ? HangingSum : Sum, Flaky]

const program = Effect.gen(function*() {
  const artifacts = yield* Artifacts
  const artifact = yield* artifacts.build(types[0]!, JSON.parse(specJson))
  console.log(JSON.stringify({ path: artifact.path, built: builds.get("Sum") ?? 0 }))
})

await Effect.runPromise(program.pipe(
  Effect.provide(ArtifactsLive.layer({ root, types }).pipe(
    Layer.provide([ArtifactsLive.builderInProcess, ObjectMapperLive.layer, clientLayer(process.cwd())])
  )),
  Effect.scoped
))
