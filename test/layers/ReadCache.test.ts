import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import * as Memory from "../../src/providers/storage/memory.ts"
import { cacheReads, openStore } from "../../src/layers/ReadCache.ts"
import { headerSize } from "../../src/layers/readcache/entryFormat.ts"
import { faulty } from "../support/faultyProvider.ts"
import { recordingTracer } from "../support/recordingTracer.ts"
import { cachedMemory, entryFiles, MiB, patterned, testSettings } from "./readcache/support.ts"

const collect = <E>(stream: Stream.Stream<Uint8Array, E>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => Buffer.concat(chunks))

const same = (actual: Uint8Array, expected: Uint8Array) => assert.isTrue(Buffer.from(actual).equals(expected))

/** A counting memory source behind the cache. */
const setup = (options: Parameters<typeof cachedMemory>[0] = {}) =>
  Effect.gen(function*() {
    const memory = yield* Memory.make()
    const { faults, provider } = faulty(memory)
    const fixture = yield* cachedMemory({ ...options, source: provider })
    return { ...fixture, memory, faults }
  })

const damage = (path: string, position: number) =>
  Effect.promise(async () => {
    const handle = await fsp.open(path, "r+")
    const one = Buffer.alloc(1)
    await handle.read(one, 0, 1, position)
    one[0] = one[0]! ^ 0xff
    await handle.write(one, 0, 1, position)
    await handle.close()
  })

describe("ReadCache", () => {
  it.effect("serves the second read of an object from disk", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup()
      const data = patterned(300_000)
      yield* memory.put("a/b.bin", data)
      same(yield* cached.getBytes("a/b.bin"), data)
      assert.strictEqual(faults.calls.read, 1)
      same(yield* collect(cached.read("a/b.bin")), data)
      same(yield* cached.getBytes("a/b.bin"), data)
      assert.strictEqual(faults.calls.read, 1)
      assert.strictEqual(faults.calls.head, 3) // check_source_version: one head per read
      assert.strictEqual((yield* entryFiles(store)).length, 1)
    }))

  it.effect("refetches when the source's etag changed", () =>
    Effect.gen(function*() {
      const { cached, faults, memory } = yield* setup()
      yield* memory.put("k", patterned(1000, 1))
      yield* cached.getBytes("k")
      yield* memory.put("k", patterned(1000, 2)) // around the cache: same size, new etag
      same(yield* cached.getBytes("k"), patterned(1000, 2))
      assert.strictEqual(faults.calls.read, 2)
      same(yield* cached.getBytes("k"), patterned(1000, 2))
      assert.strictEqual(faults.calls.read, 2)
    }))

  it.effect("with check_source_version off, serves the entry without asking the source", () =>
    Effect.gen(function*() {
      const { cached, faults, memory } = yield* setup({ checkSourceVersion: false })
      yield* memory.put("k", patterned(1000, 1))
      yield* cached.getBytes("k")
      const heads = faults.calls.head
      yield* memory.put("k", patterned(1000, 2))
      same(yield* cached.getBytes("k"), patterned(1000, 1))
      assert.strictEqual(faults.calls.head, heads)
      // A write through the cache drops the entry.
      yield* cached.put("k", patterned(1000, 3))
      same(yield* cached.getBytes("k"), patterned(1000, 3))
    }))

  it.effect("serves ranges from a whole-object entry", () =>
    Effect.gen(function*() {
      const { cached, faults, memory } = yield* setup()
      const data = patterned(3 * MiB + 123)
      yield* memory.put("k", data)
      yield* cached.getBytes("k")
      for (const [offset, length] of [[0, 10], [MiB - 5, 10], [2 * MiB + 7, MiB + 116], [3 * MiB + 123, 5]] as const) {
        same(yield* cached.getBytes("k", { range: { offset, length } }), data.subarray(offset, offset + length))
      }
      same(yield* cached.getBytes("k", { range: { offset: 5 } }), data.subarray(5))
      assert.strictEqual(faults.calls.read, 1)
      assert.strictEqual((yield* Effect.flip(cached.getBytes("k", { range: { offset: data.length + 1 } }))).reason, "InvalidRange")
    }))

  it.effect("caches only the lines a range of a large object touches", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup({ lineBytes: MiB })
      const data = patterned(4 * MiB)
      yield* memory.put("big", data)
      const range = { offset: MiB + 100, length: MiB } // lines 1 and 2
      same(yield* cached.getBytes("big", { range }), data.subarray(range.offset, range.offset + range.length))
      assert.deepStrictEqual(faults.readRanges, [{ offset: MiB, length: MiB }, { offset: 2 * MiB, length: MiB }])
      const files = yield* entryFiles(store)
      assert.deepStrictEqual(files.map((file) => file.slice(file.lastIndexOf("."))), [".l1", ".l2"])
      same(yield* cached.getBytes("big", { range: { offset: 2 * MiB, length: 10 } }), data.subarray(2 * MiB, 2 * MiB + 10))
      assert.strictEqual(faults.calls.read, 2)
    }))

  it.effect("a truncated entry is refetched, never served", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup()
      const data = patterned(200_000)
      yield* memory.put("k", data)
      yield* cached.getBytes("k")
      yield* Effect.promise(() => fsp.truncate(store.entryPath("p", "k"), 150_000))
      same(yield* cached.getBytes("k"), data)
      assert.strictEqual(faults.calls.read, 2)
      same(yield* cached.getBytes("k"), data) // rebuilt
      assert.strictEqual(faults.calls.read, 2)
    }))

  it.effect("a flipped content byte is never served: that block comes from the source", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup()
      const data = patterned(3 * MiB)
      yield* memory.put("k", data)
      yield* cached.getBytes("k")
      const path = store.entryPath("p", "k")
      const { size } = yield* Effect.promise(() => fsp.stat(path))
      yield* damage(path, size - data.length + 2 * MiB + 17) // in block 2
      same(yield* cached.getBytes("k"), data)
      assert.deepStrictEqual(faults.readRanges.at(-1), { offset: 2 * MiB, length: MiB })
      assert.deepStrictEqual(yield* entryFiles(store), []) // the damaged entry is gone
    }))

  it.effect("a flipped header byte makes a miss", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup()
      const data = patterned(10_000)
      yield* memory.put("k", data)
      yield* cached.getBytes("k")
      yield* damage(store.entryPath("p", "k"), 60) // inside the etag/key
      same(yield* cached.getBytes("k"), data)
      assert.strictEqual(faults.calls.read, 2)
    }))

  it.effect("writes, deletes and copies through the cache drop the target's entries", () =>
    Effect.gen(function*() {
      const { cached, memory, store } = yield* setup()
      yield* memory.put("a", patterned(1000))
      yield* memory.put("b", patterned(1000))
      yield* cached.getBytes("a")
      yield* cached.getBytes("b")
      assert.strictEqual((yield* entryFiles(store)).length, 2)
      yield* cached.copy("a", "b")
      assert.strictEqual((yield* entryFiles(store)).length, 1)
      yield* cached.delete("a")
      assert.deepStrictEqual(yield* entryFiles(store), [])
    }))

  it.effect("objects larger than the cache are read from the source and not stored", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup({ settings: { maxBytes: MiB } })
      const data = patterned(MiB + 1)
      yield* memory.put("k", data)
      same(yield* cached.getBytes("k"), data)
      same(yield* cached.getBytes("k"), data)
      assert.strictEqual(faults.calls.read, 2)
      assert.deepStrictEqual(yield* entryFiles(store), [])
    }))

  it.effect("disk trouble in the cache falls back to the source", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup()
      const data = patterned(5000)
      yield* memory.put("k", data)
      // Temporary entries cannot be made: a file where the directory should be.
      yield* Effect.promise(async () => {
        await fsp.rm(join(store.root, ".tmp"), { recursive: true })
        await fsp.writeFile(join(store.root, ".tmp"), "not a directory")
      })
      same(yield* cached.getBytes("k"), data)
      same(yield* cached.getBytes("k"), data)
      assert.strictEqual(faults.calls.read, 2)
    }))

  it.effect("source failures reach the caller; preconditions are checked against the source's etag", () =>
    Effect.gen(function*() {
      const { cached, faults, memory } = yield* setup()
      const { etag } = yield* memory.put("k", patterned(100))
      faults.failNext("read", 1, "PermissionDenied")
      assert.strictEqual((yield* Effect.flip(cached.getBytes("k"))).reason, "PermissionDenied")
      yield* cached.getBytes("k")
      assert.strictEqual((yield* Effect.flip(cached.getBytes("k", { ifMatch: "other" }))).reason, "PreconditionFailed")
      assert.strictEqual((yield* Effect.flip(cached.getBytes("k", { ifNoneMatch: etag! }))).reason, "NotModified")
      assert.strictEqual((yield* Effect.flip(cached.getBytes("missing"))).reason, "NotFound")
    }))

  it.effect("concurrent reads of one object share one download", () =>
    Effect.gen(function*() {
      const { cached, faults, memory } = yield* setup()
      const data = patterned(2 * MiB)
      yield* memory.put("k", data)
      const results = yield* Effect.all(Array.from({ length: 8 }, () => cached.getBytes("k")), { concurrency: "unbounded" })
      for (const result of results) same(result, data)
      assert.strictEqual(faults.calls.read, 1)
    }))

  it.effect("a download the full cache cannot admit (no_eviction) is served once and not kept", () =>
    Effect.gen(function*() {
      const entryBytes = headerSize("a", "m00000001", 100_000) + 100_000
      const { cached, dir, faults, memory, store } = yield* setup({
        settings: { policy: "no_eviction", maxBytes: 2 * entryBytes + 10 }
      })
      // Another process (a second store on the directory) fills the cache after this one looked at it.
      const other = yield* openStore(testSettings(dir, { policy: "no_eviction", maxBytes: 2 * entryBytes + 10 }))
      const otherCached = cacheReads(memory, other, { profile: "p", checkSourceVersion: true, lineBytes: MiB })
      for (const [i, key] of ["a", "b", "c"].entries()) yield* memory.put(key, patterned(100_000, i))
      yield* otherCached.getBytes("a")
      yield* otherCached.getBytes("b")
      same(yield* cached.getBytes("c"), patterned(100_000, 2))
      assert.strictEqual(faults.calls.read, 1)
      assert.strictEqual((yield* entryFiles(store)).length, 2)
      assert.deepStrictEqual(yield* Effect.promise(() => fsp.readdir(join(store.root, ".tmp"))), [])
    }))

  it.effect("each read has a span saying where its bytes came from", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { cached, memory } = yield* setup({ settings: { maxBytes: 4 * MiB } })
      yield* memory.put("k", patterned(1000))
      yield* memory.put("huge", patterned(5 * MiB))
      for (const key of ["k", "k", "huge"]) yield* cached.getBytes(key).pipe(Effect.withTracer(tracer))
      const outcomes = spans.filter((span) => span.name === "ReadCache.read")
        .map((span) => span.attributes.get("strata.readcache.outcome"))
      assert.deepStrictEqual(outcomes, ["filled", "hit", "source"])
      assert.strictEqual(spans.filter((span) => span.name === "ReadCache.tee").length, 1)
    }))

  it.effect("a whole-object miss is served as it arrives; a reader that stops early leaves no entry", () =>
    Effect.gen(function*() {
      const { cached, faults, memory, store } = yield* setup()
      const data = patterned(3 * MiB)
      yield* memory.put("k", data)
      const first = yield* Stream.runCollect(Stream.take(cached.read("k"), 2))
      assert.strictEqual(first.length, 2)
      assert.deepStrictEqual(yield* entryFiles(store), [])
      assert.deepStrictEqual(yield* Effect.promise(() => fsp.readdir(join(store.root, ".tmp"))), [])
      same(yield* collect(cached.read("k")), data) // served while written
      assert.strictEqual((yield* entryFiles(store)).length, 1)
      same(yield* collect(cached.read("k")), data) // from the entry
      assert.strictEqual(faults.calls.read, 2)
    }))
})
