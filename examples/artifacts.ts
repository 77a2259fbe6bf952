// Artifacts: a typed directory built from a spec, found again by spec instead of rebuilt.
// Run with: node examples/artifacts.ts [root]   (root: any storage URL; default a temporary directory)
import { Effect, Layer } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Artifacts, ArtifactsLive, ObjectMapperLive, ProviderRegistryDefault, StorageClientLive } from "../src/index.ts"
import { WordCount } from "./artifact-types.ts"

const root = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), "strata-artifacts-")), "store")

const program = Effect.gen(function*() {
  const artifacts = yield* Artifacts.Artifacts
  const first = yield* artifacts.build(WordCount, { text: "the cat saw the dog" })
  // Same spec (the default written out): found, not rebuilt.
  const again = yield* artifacts.build(WordCount, { lowercase: true, text: "the cat saw the dog" })
  console.log(`${first.path} ${again.path === first.path ? "reused" : "rebuilt"}: ${yield* first.read("summary")}`)
  console.log(JSON.stringify(yield* again.read("counts")))
})

const ArtifactsLayer = ArtifactsLive.layer({ root, types: [WordCount] }).pipe(
  Layer.provide([ArtifactsLive.builderInProcess, ObjectMapperLive.layer]),
  Layer.provide(StorageClientLive.layer({ profiles: {}, pathMapping: [] })),
  Layer.provide(ProviderRegistryDefault.layer)
)
program.pipe(Effect.provide(ArtifactsLayer), Effect.runPromise)
