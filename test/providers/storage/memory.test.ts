import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import { StorageProvider } from "../../../src/services/StorageProvider.ts"
import * as memory from "../../../src/providers/storage/memory.ts"
import { testStorageProvider } from "../../../src/testing/StorageProviderSuite.ts"

testStorageProvider("memory", memory.layer, { checkBounded: false })

const text = (s: string) => new TextEncoder().encode(s)

describe("memory provider", () => {
  it.effect("starts each store empty and keeps stores apart", () =>
    Effect.gen(function*() {
      const a = yield* memory.make()
      const b = yield* memory.make()
      yield* a.put("k", text("a"))
      assert.deepStrictEqual(yield* Stream.runCollect(b.list()), [])
      assert.strictEqual((yield* Stream.runCollect(a.list())).length, 1)
    }))

  it.effect("builds a fresh store per layer build", () =>
    Effect.gen(function*() {
      yield* StorageProvider.use((p) => p.put("k", text("a"))).pipe(Effect.provide(memory.layer))
      const error = yield* StorageProvider.use((p) => Effect.flip(p.head("k"))).pipe(Effect.provide(memory.layer))
      assert.strictEqual(error.reason, "NotFound")
    }))

  it.effect("copies the chunks of a streamed body", () =>
    Effect.gen(function*() {
      const p = yield* memory.make()
      const chunk = text("chunk")
      yield* p.put("k", Stream.make(chunk, chunk))
      chunk.fill(0x21)
      assert.strictEqual(new TextDecoder().decode(yield* p.getBytes("k")), "chunkchunk")
    }))

  it.effect("merges directories and files in key order, a directory sorting as 'name/'", () =>
    Effect.gen(function*() {
      const p = yield* memory.make()
      for (const key of ["a/x", "a.txt", "a-b/y", "b", "a/z/w"]) yield* p.put(key, text(key))
      const entries = yield* Stream.runCollect(p.list({ includeDirectories: true }))
      assert.deepStrictEqual(entries.map((e) => `${e.type}:${e.key}`), ["directory:a-b", "file:a.txt", "directory:a", "file:b"])
    }))

  it.effect("lists 100k keys in order, and pages through them with startAfter", () =>
    Effect.gen(function*() {
      const p = yield* memory.make()
      const keys = Array.from({ length: 100_000 }, (_, i) => `d${i % 10}/k${String(i).padStart(6, "0")}`)
      for (const key of keys) yield* p.put(key, new Uint8Array(0))
      const listed = (yield* Stream.runCollect(p.list())).map((e) => e.key)
      assert.strictEqual(listed.length, keys.length)
      assert.deepStrictEqual(listed, keys.toSorted())
      const page = (yield* Stream.runCollect(p.list({ startAfter: listed[49_999]!, endAt: listed[50_002]! }))).map((e) => e.key)
      assert.deepStrictEqual(page, listed.slice(50_000, 50_003))
      const dirs = yield* Stream.runCollect(p.list({ includeDirectories: true }))
      assert.deepStrictEqual(dirs.map((e) => e.key), ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"])
    }))

  it.effect("gives a new etag on copy and keeps the copy independent of the source", () =>
    Effect.gen(function*() {
      const p = yield* memory.make()
      const source = yield* p.put("s", text("one"))
      const copied = yield* p.copy("s", "t")
      assert.notStrictEqual(copied.etag, source.etag)
      yield* p.put("s", text("two"))
      assert.strictEqual(new TextDecoder().decode(yield* p.getBytes("t")), "one")
    }))

  it.effect("refuses a non-integer range", () =>
    Effect.gen(function*() {
      const p = yield* memory.make()
      yield* p.put("k", text("abc"))
      const error = yield* Effect.flip(p.getBytes("k", { range: { offset: 1.5 } }))
      assert.strictEqual(error.reason, "InvalidRange")
      const negative = yield* Effect.flip(p.getBytes("k", { range: { offset: 0, length: -1 } }))
      assert.strictEqual(negative.reason, "InvalidRange")
    }))

  describe("factory", () => {
    const decode = Schema.decodeUnknownEffect(memory.factory.options)

    it.effect("accepts MSC options with or without base_path", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decode({ base_path: "" }), { base_path: "" })
        assert.deepStrictEqual(yield* decode({ base_path: "bucket/prefix" }), { base_path: "bucket/prefix" })
        assert.deepStrictEqual(yield* decode({}), {})
        assert.strictEqual(memory.factory.type, "memory")
      }))

    it.effect("rejects unknown keys and wrong types, naming the option", () =>
      Effect.gen(function*() {
        const unknown = yield* Effect.flip(decode({ base_path: "", bucket: "x" }))
        assert.include(unknown.message, "bucket")
        const strict = yield* Effect.flip(
          Schema.decodeUnknownEffect(memory.factory.options, { onExcessProperty: "error" })({ region: "x" })
        )
        assert.include(strict.message, "region")
        const wrongType = yield* Effect.flip(decode({ base_path: 3 }))
        assert.include(wrongType.message, "base_path")
        yield* Effect.flip(decode("not an object"))
      }))

    it.effect("builds a fresh store per call", () =>
      Effect.gen(function*() {
        const a = yield* memory.factory.make({ base_path: "" }, { profile: "one" })
        const b = yield* memory.factory.make({}, { profile: "two" })
        yield* a.put("k", text("a"))
        yield* Effect.flip(b.head("k"))
        assert.strictEqual(a.type, "memory")
      }))
  })
})
