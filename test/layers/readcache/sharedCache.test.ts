import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import * as Posix from "../../../src/providers/storage/posix.ts"
import { openStore } from "../../../src/layers/ReadCache.ts"
import { objectBytes, objectKey } from "./sharedCacheData.ts"
import { tempDir, testSettings } from "./support.ts"

const CHILD = join(import.meta.dirname, "sharedCacheChild.ts")
const OBJECTS = 12
const ROUNDS = 60

interface ChildResult {
  readonly reads: number
  readonly mismatches: number
  readonly sourceReads: number
}

const runChild = (args: ReadonlyArray<string>) =>
  Effect.promise(() =>
    new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (data: Buffer) => (stdout += data.toString()))
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString()))
      child.on("close", (code) => resolve({ code, stdout, stderr }))
    })
  )

describe("a cache directory shared by processes", () => {
  it.live("two processes reading the same objects see no damaged bytes and stay within the bound", () =>
    Effect.gen(function*() {
      const sourceDir = yield* tempDir
      const cacheDir = yield* tempDir
      const source = yield* Posix.make({ basePath: sourceDir })
      for (let i = 0; i < OBJECTS; i++) yield* source.put(objectKey(i), objectBytes(i))
      // Room for about a third of the objects: the processes evict each other's entries all along.
      const maxBytes = 1_800_000
      const args = (seed: number) => [sourceDir, cacheDir, String(maxBytes), String(OBJECTS), String(ROUNDS), String(seed)]
      const runs = yield* Effect.all([runChild(args(1)), runChild(args(2))], { concurrency: "unbounded" })
      for (const run of runs) assert.strictEqual(run.code, 0, run.stderr)
      const results = runs.map((run) => JSON.parse(run.stdout.trim().split("\n").at(-1)!) as ChildResult)
      for (const result of results) {
        assert.strictEqual(result.reads, ROUNDS)
        assert.strictEqual(result.mismatches, 0)
      }
      const store = yield* openStore(testSettings(cacheDir, { maxBytes: Number.MAX_SAFE_INTEGER }))
      const files = yield* store.scan
      assert.isAtMost(files.reduce((sum, file) => sum + file.size, 0), maxBytes)
      assert.isAbove(files.length, 0)
      // Hits happened: fewer source reads than reads.
      assert.isBelow(results[0]!.sourceReads + results[1]!.sourceReads, 2 * ROUNDS)
      const leftovers = yield* Effect.promise(() => fsp.readdir(join(store.root, ".tmp")))
      assert.deepStrictEqual(leftovers, [])
    }))
})
