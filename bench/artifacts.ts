/**
 * Artifacts: finding an artifact by spec among 10,000 on local disk, and
 * building 1,000 small artifacts, each against a baseline doing the same
 * work by hand in the same run.
 *
 * - lookup: `artifacts.find(Sum, spec)` with the index warm (it is built by
 *   the warm-up run), 50 lookups per timed run. Baseline: Artisan's search
 *   without its cache: list the root, read and parse every `_meta_.json`,
 *   compare specs. Target: ours < 50 ms per lookup (ratio well above 1).
 * - build: 1,000 `artifacts.build(Sum, spec)` of distinct specs into a fresh
 *   root, one after another (spec check, lookup, build lock, create-only
 *   `_meta_.json`, two field files, final event). Baseline: the same files
 *   written with `fs.promises` (mkdir, `_meta_.json` twice by temp + rename,
 *   the two fields), no lookup and no lock. Informational.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema, Scope } from "effect"
import type { Context } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as ArtifactsLive from "../src/layers/artifacts/ArtifactsLive.ts"
import * as Fields from "../src/layers/artifacts/fields.ts"
import { buildEvent, formatMeta, parseMeta, specEquals } from "../src/layers/artifacts/meta.ts"
import * as ObjectMapperLive from "../src/layers/ObjectMapperLive.ts"
import { defaultRegistry } from "../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../src/layers/StorageClientLive.ts"
import { Artifacts, artifactType } from "../src/services/Artifacts.ts"
import { StorageClient } from "../src/services/StorageClient.ts"
import { compare } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

const ARTIFACTS = Number(process.env.BENCH_ARTIFACTS ?? 10_000)
const LOOKUPS = 50
const BUILDS = Number(process.env.BENCH_BUILDS ?? 1_000)

const Sum = artifactType({
  name: "Sum",
  spec: Schema.Struct({ values: Schema.Array(Schema.Finite), label: Schema.String }),
  fields: { total: Fields.json(Schema.Number), log: Fields.text },
  build: (spec, out) =>
    Effect.gen(function*() {
      yield* out.write("total", spec.values.reduce((a, b) => a + b, 0))
      yield* out.write("log", spec.label)
    })
})

const specOf = (i: number) => ({ type: "Sum", values: [i, i + 1], label: `item ${i}` })

/** The service at `root`, built once; `run` runs an effect with it. */
const service = async (root: string) => {
  const scope = Effect.runSync(Scope.make())
  const layer = ArtifactsLive.layer({ root, types: [Sum] }).pipe(
    Layer.provide([ArtifactsLive.builderInProcess, ObjectMapperLive.layer]),
    Layer.provide(Layer.effect(StorageClient, makeStorageClient({ config: { profiles: {}, pathMapping: [] }, registry: defaultRegistry })))
  )
  const context: Context.Context<Artifacts> = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  return <A, E>(effect: Effect.Effect<A, E, Artifacts>) => Effect.runPromise(Effect.provideContext(effect, context))
}

const seed = (root: string) => {
  for (let i = 0; i < ARTIFACTS; i++) {
    const dir = join(root, `Sum_${i.toString(16).padStart(4, "0")}`)
    mkdirSync(dir, { recursive: true })
    const events = [buildEvent("Start", new Date()), buildEvent("Success", new Date())]
    writeFileSync(join(dir, "_meta_.json"), formatMeta({ spec: specOf(i), events }))
  }
}

/** Artisan's search without its cache: every `_meta_.json` read and compared. */
const scan = async (root: string, spec: unknown) => {
  for (const name of await fsp.readdir(root)) {
    const text = await fsp.readFile(join(root, name, "_meta_.json"), "utf8").catch(() => undefined)
    const meta = text === undefined ? undefined : parseMeta(text)
    if (meta !== undefined && specEquals(meta.spec, spec)) return name
  }
  return undefined
}

const targets = Array.from({ length: LOOKUPS }, (_, i) => specOf((i * 7919) % ARTIFACTS))

const writeAtomic = async (path: string, text: string) => {
  await fsp.writeFile(`${path}.tmp`, text)
  await fsp.rename(`${path}.tmp`, path)
}

export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const base = mkdtempSync(join(tmpdir(), "strata-bench-artifacts-"))
  const root = join(base, "lookup")
  seed(root)
  // Let directory times age past the index's 1 s padding, as they would in use.
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  const lookupRun = await service(root)
  const lookup = await compare({
    name: `find by spec among ${ARTIFACTS.toLocaleString("en")} (local disk)`,
    baseline: "read and compare every _meta_.json",
    ops: LOOKUPS,
    repeats: 5,
    target: 1,
    ours: {
      prepare: async () => async () => {
        for (const spec of targets) {
          const found = await lookupRun(Artifacts.use((a) => a.find(Sum, spec)))
          if (found === undefined) throw new Error("lookup missed")
        }
      }
    },
    base: {
      prepare: async () => async () => {
        for (const spec of targets.slice(0, 5)) if ((await scan(root, spec)) === undefined) throw new Error("scan missed")
      }
    }
  })
  // The baseline did 5 scans per run, not 50: scale its rate to operations per second.
  const scaled = { ...lookup, base: lookup.base / 10, ratio: lookup.ratio * 10, samples: { ...lookup.samples, base: lookup.samples.base.map((x) => x / 10) } }

  let round = 0
  const build = await compare({
    name: `build ${BUILDS.toLocaleString("en")} small artifacts (local disk)`,
    baseline: "the same files by hand (fs.promises)",
    ops: BUILDS,
    repeats: 3,
    ours: {
      prepare: async () => {
        const buildRun = await service(join(base, `ours-${round++}`))
        return async () => {
          for (let i = 0; i < BUILDS; i++) await buildRun(Artifacts.use((a) => a.build(Sum, specOf(i))))
        }
      }
    },
    base: {
      prepare: async () => {
        const dir = join(base, `base-${round++}`)
        return async () => {
          for (let i = 0; i < BUILDS; i++) {
            const spec = specOf(i)
            const artifact = join(dir, `Sum_${i.toString(16).padStart(4, "0")}`)
            await fsp.mkdir(artifact, { recursive: true })
            const start = { spec, events: [buildEvent("Start", new Date())] }
            await writeAtomic(join(artifact, "_meta_.json"), formatMeta(start))
            await writeAtomic(join(artifact, "total.json"), JSON.stringify(spec.values[0]! + spec.values[1]!))
            await writeAtomic(join(artifact, "log.txt"), spec.label)
            await writeAtomic(join(artifact, "_meta_.json"), formatMeta({ spec, events: [...start.events, buildEvent("Success", new Date())] }))
          }
        }
      }
    }
  })
  rmSync(base, { recursive: true, force: true })
  return [scaled, build]
}

if (import.meta.main) {
  for (const result of await run()) console.log(result.name, result.ours.toFixed(1), result.base.toFixed(2), `${result.ratio.toFixed(2)}x`)
}
