import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fsp from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { CborError, NdArray } from "../../../src/layers/artifacts/cbor.ts"
import { appendToArray, appendToList, readArray, readList } from "../../../src/layers/artifacts/persistentFiles.ts"

const withDir = <A, E>(use: (dir: string) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => fsp.mkdtemp(join(tmpdir(), "strata-persistent-"))),
    use,
    (dir) => Effect.promise(() => fsp.rm(dir, { recursive: true, force: true }))
  )

const read = (path: string) => Effect.promise(async () => new Uint8Array(await fsp.readFile(path)))

describe("persistent list files", () => {
  it.effect("grow by appending, with Artisan's 9-byte header", () =>
    withDir((dir) =>
      Effect.gen(function*() {
        const path = join(dir, "losses.cbor")
        yield* appendToList(path, [1, "two"])
        yield* appendToList(path, [{ three: 3 }])
        const bytes = yield* read(path)
        assert.strictEqual(Buffer.from(bytes.subarray(0, 9)).toString("hex"), "9b0000000000000003")
        assert.deepStrictEqual(readList(bytes), [1, "two", { three: 3 }])
      })
    ))

  it.effect("write over a torn append instead of keeping its bytes", () =>
    withDir((dir) =>
      Effect.gen(function*() {
        const path = join(dir, "list.cbor")
        yield* appendToList(path, [1, 2])
        // A crash after the items were written but before the header was: bytes the header does not count.
        yield* Effect.promise(() => fsp.appendFile(path, Uint8Array.of(0x63, 0x61)))
        assert.deepStrictEqual(readList(yield* read(path)), [1, 2])
        yield* appendToList(path, [3])
        assert.deepStrictEqual(readList(yield* read(path)), [1, 2, 3])
        assert.strictEqual((yield* read(path)).byteLength, 9 + 3)
      })
    ))

  it.effect("refuse a file that is not a list file", () =>
    withDir((dir) =>
      Effect.gen(function*() {
        const path = join(dir, "other.cbor")
        yield* Effect.promise(() => fsp.writeFile(path, Uint8Array.of(0x82, 1, 2)))
        assert.deepStrictEqual(readList(yield* read(path)), [1, 2])
        const error = yield* Effect.flip(appendToList(path, [3]))
        assert.instanceOf(error, CborError)
        assert.match(error.message, /not an appendable list file/)
      })
    ))

  it.effect("take appends from several processes without losing one", () =>
    withDir((dir) =>
      Effect.gen(function*() {
        const path = join(dir, "shared.cbor")
        const module = fileURLToPath(new URL("../../../src/layers/artifacts/persistentFiles.ts", import.meta.url))
        const script = `const { Effect } = await import("effect"); const m = await import(${JSON.stringify(module)});
          for (let i = 0; i < 40; i++) await Effect.runPromise(m.appendToList(${JSON.stringify(path)}, [process.argv[1] + i]))`
        const run = (name: string) => promisify(execFile)(process.execPath, ["--input-type=module", "-e", script, name])
        yield* Effect.promise(() => Promise.all([run("a"), run("b"), run("c")]))
        const items = readList(yield* read(path)) as Array<string>
        assert.strictEqual(items.length, 120)
        assert.strictEqual(new Set(items).size, 120)
      })
    ), 60_000)
})

describe("persistent array files", () => {
  it.effect("grow along the first axis and rewrite shape and length in place", () =>
    withDir((dir) =>
      Effect.gen(function*() {
        const path = join(dir, "points.cbor")
        yield* appendToArray(path, new NdArray([1, 2], Float32Array.of(1, 2)))
        yield* appendToArray(path, new NdArray([2, 2], Float32Array.of(3, 4, 5, 6)))
        const array = readArray(yield* read(path))
        assert.deepStrictEqual(array.shape, [3, 2])
        assert.deepStrictEqual(array.data, Float32Array.of(1, 2, 3, 4, 5, 6))
        assert.strictEqual((yield* read(path)).byteLength, 15 + 9 * 2 + 24)
      })
    ))

  it.effect("refuse scalars, other element types and other row shapes", () =>
    withDir((dir) =>
      Effect.gen(function*() {
        const path = join(dir, "rows.cbor")
        yield* appendToArray(path, new NdArray([1, 3], Int32Array.of(1, 2, 3)))
        const scalar = yield* Effect.flip(appendToArray(join(dir, "s.cbor"), new NdArray([], Int32Array.of(1))))
        assert.match(scalar.message, /Scalars cannot be extended/)
        const otherType = yield* Effect.flip(appendToArray(path, new NdArray([1, 3], Float32Array.of(1, 2, 3))))
        assert.match(otherType.message, /do not match/)
        const otherShape = yield* Effect.flip(appendToArray(path, new NdArray([2, 2], Int32Array.of(1, 2, 3, 4))))
        assert.match(otherShape.message, /do not match/)
        assert.deepStrictEqual(readArray(yield* read(path)).data, Int32Array.of(1, 2, 3))
      })
    ))
})
