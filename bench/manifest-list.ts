/**
 * Listing 100,000 files from an MSC manifest against listing them from the
 * POSIX provider, both through `StorageClient.list` over one directory tree
 * (100 directories of 1,000 empty files): profile `listed` has
 * `metadata_provider: {type: manifest}` (a manifest generated once before
 * the clock starts, kept in another profile), profile `plain` is the bare
 * `file` provider.
 *
 * - warm: the manifest is in memory already (a long-lived client, every
 *   listing after the first);
 * - cold: a new client per listing, so the manifest is found, read and
 *   parsed (100,000 JSONL lines) before it is listed.
 *
 * Both sides list everything recursively, in S3 order, with sizes and times.
 * An operation is one listed entry. Targets: a loaded manifest lists at least
 * 5x as fast as the disk; a cold one (read and parsed first) no slower.
 *
 * @since 0.1.0
 */
import { Effect, Exit, Scope, Stream } from "effect"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRegistry } from "../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../src/layers/StorageClientLive.ts"
import { generateManifest } from "../src/providers/metadata/manifestGenerate.ts"
import type { StorageClientShape } from "../src/services/StorageClient.ts"
import type { StorageConfig } from "../src/services/StorageConfig.ts"
import { toUrl } from "../src/services/StorageUrl.ts"
import { compare } from "./harness.ts"
import type { BenchResult, Side } from "./harness.ts"

const DIRS = 100
const PER_DIR = 1_000
const COUNT = DIRS * PER_DIR
const REPEATS = 5

/** The data under `root/data`; the manifest in profile `manifests`, so both sides list the same 100,000 files. */
const configOf = (root: string): StorageConfig => ({
  profiles: {
    plain: { storage_provider: { type: "file", options: { base_path: join(root, "data") } } },
    manifests: { storage_provider: { type: "file", options: { base_path: join(root, "manifests") } } },
    listed: {
      storage_provider: { type: "file", options: { base_path: join(root, "data") } },
      metadata_provider: { type: "manifest", options: { manifest_path: "", storage_provider_profile: "manifests" } }
    }
  },
  pathMapping: []
})

/** A client living in its own scope, closed by `close`. */
const openClient = async (root: string) => {
  const scope = await Effect.runPromise(Scope.make())
  const client = await Effect.runPromise(
    makeStorageClient({ config: configOf(root), registry: defaultRegistry }).pipe(Scope.provide(scope))
  )
  return { client, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

const listAll = (client: StorageClientShape, url: string) =>
  Effect.runPromise(
    Effect.flatMap(Stream.runCount(client.list(url)), (n) => (n === COUNT ? Effect.void : Effect.die(`listed ${n}, expected ${COUNT}`)))
  )

const seed = async (root: string) => {
  await fsp.mkdir(join(root, "manifests"))
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, "data", `d${String(d).padStart(3, "0")}`)
    await fsp.mkdir(dir, { recursive: true })
    await Promise.all(Array.from({ length: PER_DIR }, (_, i) => fsp.writeFile(join(dir, `f${String(i).padStart(4, "0")}.bin`), "")))
  }
}

/** Listing through a client opened once (before the clock). */
const warm = (client: StorageClientShape, url: string): Side => ({
  prepare: async () => () => listAll(client, url)
})

/** Listing through a client opened inside the timed body. */
const cold = (root: string, url: string): Side => ({
  prepare: async () => async () => {
    const opened = await openClient(root)
    await listAll(opened.client, url)
    await opened.close()
  }
})

/**
 * @since 0.1.0
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  const root = await fsp.mkdtemp(join(tmpdir(), "strata-bench-manifest-"))
  try {
    await seed(root)
    const shared = await openClient(root)
    await Effect.runPromise(Effect.gen(function*() {
      const destination = { storage: yield* shared.client.provider("manifests"), urlOf: (key: string) => toUrl("manifests", key) }
      yield* generateManifest({ source: yield* shared.client.provider("plain"), prefix: "", destination, manifestPath: "" })
    }))
    const results = [
      await compare({
        name: `list ${COUNT.toLocaleString("en-US")} files from a manifest (loaded)`,
        baseline: "posix provider list",
        ops: COUNT,
        repeats: REPEATS,
        target: 5,
        ours: warm(shared.client, "msc://listed/"),
        base: warm(shared.client, "msc://plain/")
      }),
      await compare({
        name: `list ${COUNT.toLocaleString("en-US")} files from a manifest (read + parse + list)`,
        baseline: "posix provider list",
        ops: COUNT,
        repeats: REPEATS,
        target: 1,
        ours: cold(root, "msc://listed/"),
        base: cold(root, "msc://plain/")
      })
    ]
    await shared.close()
    return results
  } finally {
    await fsp.rm(root, { recursive: true, force: true })
  }
}
