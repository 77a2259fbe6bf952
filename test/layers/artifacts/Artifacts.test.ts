import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { NdArray } from "../../../src/layers/artifacts/cbor.ts"
import { META_FILE } from "../../../src/layers/artifacts/meta.ts"
import { Artifacts } from "../../../src/services/Artifacts.ts"
import { StorageClient } from "../../../src/services/StorageClient.ts"
import { artifactsLayer, builds, clientLayer, Flaky, Scaled, scaledInputs, scratchDir, Sum } from "./artifactsHarness.ts"

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

const ROOTS = [
  ["local disk", (dir: string) => `${dir}/root`],
  ["memory profile", (dir: string) => `msc://m1/${dir.split("/").pop()}/root`]
] as const

/** A finished Sum's `_meta_.json`, written by hand. */
const stored = (values: Array<number>) =>
  new TextEncoder().encode(JSON.stringify({
    spec: { type: "Sum", values, scale: 1, delayMs: 0 },
    events: [{ type: "Start", timestamp: "2026-01-01T00:00:00.000000" }, { type: "Success", timestamp: "2026-01-01T00:00:01.000000" }]
  }))

const buildsOf = (name: string) => builds.get(name) ?? 0

for (const [where, rootOf] of ROOTS) {
  const withService = <A, E>(body: (root: string) => Effect.Effect<A, E, Artifacts | StorageClient>) => {
    const dir = scratchDir()
    const root = rootOf(dir)
    return Effect.provide(body(root), artifactsLayer(root, clientLayer(dir)))
  }
  describe(`Artifacts on ${where}`, () => {

    it.live("builds once, then finds the artifact by spec (defaults filled in, key order ignored)", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const before = buildsOf("Sum")
          const first = yield* artifacts.build(Sum, { values: [1, 2, 3], scale: 2 })
          assert.strictEqual(first.path, "Sum_0000")
          assert.strictEqual(yield* first.read("total"), 12)
          assert.strictEqual(yield* first.read("log"), "summed 3 values")
          const again = yield* artifacts.build(Sum, { delayMs: 0, scale: 2, values: [1, 2, 3] })
          assert.strictEqual(again.path, "Sum_0000")
          assert.strictEqual(buildsOf("Sum") - before, 1)
          const other = yield* artifacts.build(Sum, { values: [1, 2, 3] })
          assert.strictEqual(other.path, "Sum_0001")
          assert.strictEqual(yield* other.read("total"), 6)
          const client = yield* StorageClient
          const meta = JSON.parse(decode(yield* client.read(`${root}/Sum_0000/${META_FILE}`)))
          assert.deepStrictEqual(Object.keys(meta.spec), ["type", "values", "scale", "delayMs"])
          assert.deepStrictEqual(meta.events.map((event: { type: string }) => event.type), ["Start", "Success"])
          assert.match(meta.events[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
          assert.strictEqual((yield* artifacts.find(Sum, { values: [9] })), undefined)
        })
      ))

    it.live("records a failed build and never matches it: the next build makes a new directory", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const error = yield* Effect.flip(artifacts.build(Flaky, { fail: true }))
          assert.strictEqual(error.reason, "BuildFailed")
          assert.strictEqual(error.message, "The build of Flaky_0000 failed: the input was refused")
          const client = yield* StorageClient
          const meta = JSON.parse(decode(yield* client.read(`${root}/Flaky_0000/${META_FILE}`)))
          assert.deepStrictEqual(meta.events.at(-1).message, "the input was refused")
          yield* Effect.flip(artifacts.build(Flaky, { fail: true }))
          const retried = yield* Effect.flip(artifacts.recover("Flaky_0001"))
          assert.strictEqual(retried.reason, "BuildFailed")
          assert.strictEqual((yield* artifacts.build(Flaky, { fail: false })).path, "Flaky_0002")
        })
      ))

    it.live("two fibers building the same spec build it once", () =>
      withService(() =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const before = buildsOf("Sum")
          const [a, b] = yield* Effect.all([
            artifacts.build(Sum, { values: [5], delayMs: 100 }),
            artifacts.build(Sum, { values: [5], delayMs: 100 })
          ], { concurrency: 2 })
          assert.strictEqual(a.path, b.path)
          assert.strictEqual(buildsOf("Sum") - before, 1)
          assert.strictEqual(yield* b.read("total"), 5)
        })
      ))

    it.live("searches plain directories but never inside an artifact directory", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const client = yield* StorageClient
          yield* artifacts.build(Sum, { values: [1] })
          yield* client.write(`${root}/Sum_0000/nested/${META_FILE}`, stored([2]))
          yield* client.write(`${root}/by-hand/deeper/${META_FILE}`, stored([3]))
          assert.strictEqual((yield* artifacts.find(Sum, { values: [3] }))?.path, "by-hand/deeper")
          assert.strictEqual(yield* artifacts.find(Sum, { values: [2] }), undefined)
          assert.strictEqual((yield* artifacts.build(Sum, { values: [2] })).path, "Sum_0001")
        })
      ))

    it.live("read-async reads entries as they appear; read-sync waits for the build to finish", () =>
      withService(() =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const building = yield* Effect.forkChild(artifacts.build(Sum, { values: [3], delayMs: 400 }))
          yield* Effect.sleep(150)
          const early = yield* artifacts.recover("Sum_0000", "read-async", Sum)
          assert.deepStrictEqual(early.meta?.events.map((event) => event.type), ["Start"])
          assert.strictEqual(yield* early.read("total"), 3)
          const finished = yield* artifacts.recover("Sum_0000", "read-sync", Sum)
          assert.deepStrictEqual(finished.meta?.events.map((event) => event.type), ["Start", "Success"])
          yield* Fiber.join(building)
        })
      ))

    it.live("builds at a spec's _path_, reuses it when the spec matches, and refuses other contents there", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const client = yield* StorageClient
          const before = buildsOf("Sum")
          const first = yield* artifacts.build(Sum, { values: [2], _path_: "@/runs/two" })
          assert.strictEqual(first.path, "runs/two")
          assert.strictEqual(yield* first.read("total"), 2)
          const meta = JSON.parse(decode(yield* client.read(`${root}/runs/two/${META_FILE}`)))
          assert.deepStrictEqual(meta.spec, { type: "Sum", values: [2], _path_: "@/runs/two", scale: 1, delayMs: 0 })
          assert.deepStrictEqual(Object.keys(meta.spec), ["type", "values", "_path_", "delayMs", "scale"])
          const again = yield* artifacts.build(Sum, { _path_: "@/runs/two/", scale: 1, values: [2] })
          assert.strictEqual(again.path, "runs/two")
          assert.strictEqual(buildsOf("Sum") - before, 1)
          assert.strictEqual((yield* artifacts.find(Sum, { values: [2], _path_: "@/runs/two" }))?.path, "runs/two")
          // Without `_path_` it is another spec: a new directory.
          assert.strictEqual((yield* artifacts.build(Sum, { values: [2] })).path, "Sum_0000")
          assert.deepStrictEqual((yield* artifacts.recover("runs/two")).spec, { values: [2], scale: 1, delayMs: 0 })

          const mismatch = yield* Effect.flip(artifacts.build(Sum, { values: [3], _path_: "@/runs/two" }))
          assert.strictEqual(mismatch.reason, "Incompatible")
          assert.strictEqual(mismatch.message, "Incompatible files exist at runs/two: it is not an empty directory or a finished Sum with this spec.")
          yield* client.write(`${root}/plain/notes.txt`, new TextEncoder().encode("not an artifact"))
          const plain = yield* Effect.flip(artifacts.build(Sum, { values: [3], _path_: "@/plain" }))
          assert.strictEqual(plain.reason, "Incompatible")
          const failed = yield* Effect.flip(artifacts.build(Flaky, { fail: true, _path_: "@/flaky" }))
          assert.strictEqual(failed.reason, "BuildFailed")
          assert.strictEqual((yield* Effect.flip(artifacts.build(Flaky, { fail: true, _path_: "@/flaky" }))).reason, "Incompatible")
          assert.strictEqual(buildsOf("Sum") - before, 2)
        })
      ))

    it.live("refuses a _path_ outside the root or not written as @/<path>", () =>
      withService(() =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          for (const path of ["@/../outside", "@/a/../../b", "@/", "@//x", "~/x", "relative/x", "/abs/x", 7]) {
            const error = yield* Effect.flip(artifacts.build(Sum, { values: [1], _path_: path }))
            assert.strictEqual(error.reason, "InvalidPath", String(path))
          }
          const error = yield* Effect.flip(artifacts.build(Sum, { values: [1], _path_: "~/x" }))
          assert.strictEqual(error.message, `The spec's _path_ "~/x" must be a string starting with "@/" (a directory under the artifact root).`)
        })
      ))

    it.live("gives a spec's @/ value to the build as the artifact there, and stores the string", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const client = yield* StorageClient
          yield* artifacts.build(Sum, { values: [1, 2] })
          const before = buildsOf("Scaled")
          const scaled = yield* artifacts.build(Scaled, { input: "@/Sum_0000", factor: 10 })
          assert.strictEqual(yield* scaled.read("total"), 30)
          assert.deepStrictEqual(scaledInputs.get(scaled.path), { path: "Sum_0000", opened: true })
          const meta = JSON.parse(decode(yield* client.read(`${root}/${scaled.path}/${META_FILE}`)))
          assert.deepStrictEqual(meta.spec, { type: "Scaled", input: "@/Sum_0000", factor: 10 })
          assert.strictEqual((yield* artifacts.build(Scaled, { factor: 10, input: "@/Sum_0000/" })).path, scaled.path)
          assert.strictEqual(buildsOf("Scaled") - before, 1)
          // A path with nothing there reaches the build as a path only, as in Artisan.
          const dangling = yield* artifacts.build(Scaled, { input: "@/not/yet", factor: 1 })
          assert.deepStrictEqual(scaledInputs.get(dangling.path), { path: "not/yet", opened: false })
          for (const input of ["@/../outside", "Sum_0000", "@/a/./b"]) {
            const error = yield* Effect.flip(artifacts.build(Scaled, { input, factor: 1 }))
            assert.strictEqual(error.reason, "InvalidSpec", input)
          }
          const escape = yield* Effect.flip(artifacts.build(Scaled, { input: "@/../outside", factor: 1 }))
          assert.match(escape.message, /"@\/\.\.\/outside" leaves the artifact root/)
        })
      ))

    it.live("recovers by path, typed or from the scope, and refuses escapes and wrong types", () =>
      withService(() =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          yield* artifacts.build(Sum, { values: [4] })
          const recovered = yield* artifacts.recover("Sum_0000")
          assert.deepStrictEqual(recovered.spec, { values: [4], scale: 1, delayMs: 0 })
          assert.strictEqual(yield* recovered.readEntry("total"), 4)
          assert.deepStrictEqual(yield* recovered.entries, ["log", "total"])
          const wrong = yield* Effect.flip(artifacts.recover("Sum_0000", "read-sync", Flaky))
          assert.strictEqual(wrong.message, "Sum_0000 holds a Sum, not a Flaky.")
          const escape = yield* Effect.flip(artifacts.recover("../elsewhere"))
          assert.strictEqual(escape.reason, "InvalidPath")
          const readOnly = yield* Effect.flip(recovered.write("total", 1))
          assert.strictEqual(readOnly.reason, "ReadOnly")
          const missing = yield* Effect.flip(artifacts.recover("Nothing_0000"))
          assert.strictEqual(missing.reason, "NotFound")
        })
      ))

    it.live("says where a spec or a _meta_.json is malformed", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const bad = yield* Effect.flip(artifacts.build(Sum, { values: [1, "two"] }))
          assert.strictEqual(bad.reason, "InvalidSpec")
          assert.match(bad.message, /^The Sum spec is not valid: values\[1\]: expected a number, got 'two'\./)
          const notObject = yield* Effect.flip(artifacts.buildEncoded([1]))
          assert.match(notObject.message, /must be an object with a string "type"/)
          const unknown = yield* Effect.flip(artifacts.buildEncoded({ type: "Nope" }))
          assert.strictEqual(unknown.message, `The spec's type "Nope" is not in scope (known: Sum, Flaky, Scaled).`)
          const client = yield* StorageClient
          yield* client.write(`${root}/Broken/${META_FILE}`, new TextEncoder().encode(`{"spec": {"type": "Sum"}, "events": [{"type": 1}]}`))
          const broken = yield* Effect.flip(artifacts.recover("Broken", "read-async"))
          assert.strictEqual(broken.reason, "NotAnArtifact")
          assert.match(broken.message, /^Broken\/_meta_\.json is not valid artifact metadata: .*events\[0\]/)
          // An invalid meta makes a directory neither an artifact nor a match.
          assert.strictEqual((yield* artifacts.build(Sum, { values: [7] })).path, "Sum_0000")
        })
      ))

    it.live("reads and writes untyped entries by extension and value type, and appends to list files", () =>
      withService((root) =>
        Effect.gen(function*() {
          const artifacts = yield* Artifacts
          const dynamic = yield* artifacts.recover("scratch", "write").pipe(
            Effect.catchTag("ArtifactError", () => Effect.void)
          )
          assert.strictEqual(dynamic, undefined)
          const client = yield* StorageClient
          yield* client.write(`${root}/notes/readme.txt`, new TextEncoder().encode("hello"))
          const notes = yield* artifacts.recover("notes", "write")
          yield* notes.writeEntry("config.json", { depth: 3 })
          yield* notes.writeEntry("raw", Uint8Array.of(1, 2, 3))
          yield* notes.writeEntry("point", { x: 1, y: [2, 3] })
          yield* notes.append("losses", [0.5, 0.25])
          yield* notes.append("losses", [0.125])
          assert.deepStrictEqual(yield* notes.entries, ["config", "losses", "point", "raw", "readme"])
          assert.strictEqual(yield* notes.readEntry("readme"), "hello")
          assert.deepStrictEqual(yield* notes.readEntry("config"), { depth: 3 })
          assert.deepStrictEqual(yield* notes.readEntry("raw"), Uint8Array.of(1, 2, 3))
          assert.deepStrictEqual(yield* notes.readEntry("point"), { x: 1, y: [2, 3] })
          assert.deepStrictEqual(yield* notes.readEntry("losses"), [0.5, 0.25, 0.125])
          const header = (yield* client.read(`${root}/notes/losses.cbor`)).subarray(0, 9)
          assert.strictEqual(Buffer.from(header).toString("hex"), "9b0000000000000003")
          yield* notes.deleteEntry("raw")
          yield* notes.appendRows("grid", new NdArray([1, 2], Float64Array.of(1, 2)))
          yield* notes.appendRows("grid", new NdArray([2, 2], Float64Array.of(3, 4, 5, 6)))
          const grid = (yield* notes.readEntry("grid")) as NdArray
          assert.deepStrictEqual(grid.shape, [3, 2])
          assert.deepStrictEqual([...grid.data], [1, 2, 3, 4, 5, 6])
          const mismatch = yield* Effect.flip(notes.appendRows("grid", new NdArray([1, 3], Float64Array.of(1, 2, 3))))
          assert.match(mismatch.message, /^notes\/grid\.cbor: Container and item shapes or element types do not match\.$/)
          assert.deepStrictEqual(yield* notes.entries, ["config", "grid", "losses", "point", "readme"])
          const badName = yield* Effect.flip(notes.writeEntry("../x", 1))
          assert.strictEqual(badName.reason, "InvalidPath")
          // A directory without _meta_.json opens as a dynamic artifact in the default (read-sync) mode too.
          assert.deepStrictEqual(yield* (yield* artifacts.recover("notes")).entries, ["config", "grid", "losses", "point", "readme"])
        })
      ))
  })
}


describe("Artifacts under a relative local root", () => {
  it.live("names entries relative to the artifact, whatever form the root URL has", () => {
    const dir = scratchDir()
    return Effect.gen(function*() {
      const artifacts = yield* Artifacts
      const built = yield* artifacts.build(Sum, { values: [1] })
      assert.deepStrictEqual(yield* built.entries, ["log", "total"])
      assert.strictEqual(yield* built.readEntry("log"), "summed 1 values")
    }).pipe(Effect.provide(artifactsLayer("store/relative", clientLayer(dir))))
  })
})
