import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as ArtifactsLive from "../../../src/layers/artifacts/ArtifactsLive.ts"
import * as WorkerBuilder from "../../../src/layers/artifacts/workerBuilder.ts"
import * as ObjectMapperLive from "../../../src/layers/ObjectMapperLive.ts"
import { Artifacts } from "../../../src/services/Artifacts.ts"
import { clientLayer, scratchDir } from "./artifactsHarness.ts"
import { Broken, Doubled, Primes, types } from "./workerTypes.ts"

const MODULE = new URL("./workerTypes.ts", import.meta.url).href

const withWorkers = <A, E>(body: Effect.Effect<A, E, Artifacts>) => {
  const dir = scratchDir()
  return Effect.provide(body, ArtifactsLive.layer({ root: `${dir}/root`, types }).pipe(
    Layer.provide([WorkerBuilder.layer({ module: MODULE, concurrency: 2 }), ObjectMapperLive.layer, clientLayer(dir)])
  ))
}

describe("worker-thread builder", () => {
  it.live("runs builds in worker threads, at most `concurrency` at once", () =>
    withWorkers(Effect.gen(function*() {
      const artifacts = yield* Artifacts
      const built = yield* Effect.forEach([1000, 2000, 3000, 4000], (below) => artifacts.build(Primes, { below }), { concurrency: 4 })
      assert.deepStrictEqual(yield* Effect.forEach(built, (artifact) => artifact.read("count")), [168, 303, 430, 550])
      const threads = yield* Effect.forEach(built, (artifact) => artifact.read("thread"))
      assert.isTrue(threads.every((thread) => thread !== 0), "every build ran off the main thread")
      const windows = yield* Effect.forEach(built, (artifact) => artifact.read("window"))
      const maxOverlap = Math.max(...windows.map(([start]) => windows.filter(([s, e]) => s! <= start! && start! < e!).length))
      assert.isAtMost(maxOverlap, 2)
      assert.strictEqual((yield* artifacts.build(Primes, { below: 1000 })).path, built[0]!.path)
    })), 60_000)

  it.live("opens a spec's @/ ref in the worker", () =>
    withWorkers(Effect.gen(function*() {
      const artifacts = yield* Artifacts
      const primes = yield* artifacts.build(Primes, { below: 1000 })
      const doubled = yield* artifacts.build(Doubled, { input: `@/${primes.path}` })
      assert.strictEqual(yield* doubled.read("count"), 336)
      const missing = yield* Effect.flip(artifacts.build(Doubled, { input: "@/nothing/here" }))
      assert.strictEqual(missing.message, "The build of Doubled_0001 failed: nothing at nothing/here")
    })), 60_000)

  it.live("records a worker's failure as the build's", () =>
    withWorkers(Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Artifacts).build(Broken, {}))
      assert.strictEqual(error.message, "The build of Broken_0000 failed: no input files were found")
    })), 60_000)
})
