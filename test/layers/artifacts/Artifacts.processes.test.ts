import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { META_FILE } from "../../../src/layers/artifacts/meta.ts"
import { Artifacts } from "../../../src/services/Artifacts.ts"
import { artifactsLayer, builds, clientLayer, scratchDir, Sum } from "./artifactsHarness.ts"

const CHILD = fileURLToPath(new URL("buildChild.ts", import.meta.url))

/** Runs the child to its end; resolves with its printed result. */
const runChild = (root: string, spec: unknown) =>
  Effect.promise(() =>
    new Promise<{ path: string; built: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [CHILD, root, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] })
      let out = ""
      let err = ""
      child.stdout.on("data", (chunk) => (out += chunk))
      child.stderr.on("data", (chunk) => (err += chunk))
      child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}: ${err}`))))
    })
  )

const waitFor = (check: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 600 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
    if (!check()) throw new Error("timed out waiting for the child")
  })

describe("Artifacts across processes (local disk)", () => {
  it.live("two processes building the same spec build it once", () =>
    Effect.gen(function*() {
      const root = `${scratchDir()}/root`
      const spec = { values: [2, 3], delayMs: 300 }
      const [a, b] = yield* Effect.all([runChild(root, spec), runChild(root, spec)], { concurrency: 2 })
      assert.strictEqual(a.path, "Sum_0000")
      assert.strictEqual(b.path, "Sum_0000")
      assert.strictEqual(a.built + b.built, 1)
      assert.isFalse(existsSync(`${root}/Sum_0001`))
    }), 60_000)

  it.live("a builder killed mid-build leaves no matching directory; the next build builds again", () =>
    Effect.gen(function*() {
      const dir = scratchDir()
      const root = `${dir}/root`
      const spec = { values: [1, 1] }
      const child = spawn(process.execPath, [CHILD, root, JSON.stringify(spec), "hang"], { stdio: "ignore" })
      const started = `${root}/Sum_0000/${META_FILE}`
      yield* waitFor(() => existsSync(started))
      child.kill("SIGKILL")
      yield* Effect.promise(() => new Promise((resolve) => child.once("exit", resolve)))
      const before = builds.get("Sum") ?? 0
      const rebuilt = yield* Effect.gen(function*() {
        const artifacts = yield* Artifacts
        const artifact = yield* artifacts.build(Sum, spec)
        const dead = yield* Effect.flip(artifacts.recover("Sum_0000"))
        assert.strictEqual(dead.reason, "BuildFailed")
        return artifact
      }).pipe(Effect.provide(artifactsLayer(root, clientLayer(dir))))
      assert.strictEqual(rebuilt.path, "Sum_0001")
      assert.strictEqual((builds.get("Sum") ?? 0) - before, 1)
      const meta = JSON.parse(readFileSync(started, "utf8"))
      assert.deepStrictEqual(meta.events.map((event: { type: string }) => event.type), ["Start", "Failure"])
      assert.strictEqual(meta.events[1].message, "The build was interrupted before it finished.")
    }), 60_000)
})
