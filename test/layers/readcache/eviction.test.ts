import { assert, describe, it } from "@effect/vitest"
import { Effect, Random } from "effect"
import { TestClock } from "effect/testing"
import * as fsp from "node:fs/promises"
import { evictionOrder, purgeTarget, victims } from "../../../src/layers/readcache/eviction.ts"
import type { CachedFile, EvictionPolicy } from "../../../src/layers/readcache/eviction.ts"
import { headerSize } from "../../../src/layers/readcache/entryFormat.ts"
import { cachedMemory, entryFiles, patterned } from "./support.ts"

const file = (path: string, written: number, accessed: number, size = 10): CachedFile => ({ path, size, written, accessed })
const files = [file("a", 1, 40), file("b", 2, 20), file("c", 3, 30), file("d", 4, 10)]
const paths = (ordered: ReadonlyArray<CachedFile>) => ordered.map((f) => f.path)

describe("eviction order", () => {
  it("fifo: oldest written first", () => assert.deepStrictEqual(paths(evictionOrder("fifo", files, Math.random)), ["a", "b", "c", "d"]))
  it("lru: least recently read first", () => assert.deepStrictEqual(paths(evictionOrder("lru", files, Math.random)), ["d", "b", "c", "a"]))
  it("mru: most recently read first", () => assert.deepStrictEqual(paths(evictionOrder("mru", files, Math.random)), ["a", "c", "b", "d"]))
  it("no_eviction: nothing", () => assert.deepStrictEqual(paths(evictionOrder("no_eviction", files, Math.random)), []))
  it("random: a permutation that keeps the newest written last", () => {
    const seen = new Set<string>()
    for (let seed = 0; seed < 50; seed++) {
      let state = seed + 1
      const random = () => ((state = (state * 48271) % 2147483647) / 2147483647)
      const order = paths(evictionOrder("random", files, random))
      assert.deepStrictEqual(order.toSorted(), ["a", "b", "c", "d"])
      assert.strictEqual(order.at(-1), "d")
      seen.add(order.join(""))
    }
    assert.isAbove(seen.size, 1)
  })
  it("ties are broken by path", () =>
    assert.deepStrictEqual(paths(evictionOrder("fifo", [file("y", 1, 1), file("x", 1, 1)], Math.random)), ["x", "y"]))
  it("victims: the first files until the total fits", () => {
    assert.deepStrictEqual(paths(victims(files, 40, 25)), ["a", "b"])
    assert.deepStrictEqual(paths(victims(files, 40, 40)), [])
    assert.strictEqual(purgeTarget(1000, 20), 800)
  })
})

/**
 * A cache that holds three 100 KB objects and not four; objects a, b, c are
 * read at t = 1, 2, 3 s, then a again at t = 4 s, and d at t = 5 s.
 */
const scenario = (policy: EvictionPolicy) =>
  Effect.gen(function*() {
    const size = 100_000
    const entryBytes = headerSize("a", "m00000001", size) + size
    const { cached, source: memory, store } = yield* cachedMemory({ settings: { policy, maxBytes: 3 * entryBytes + 100 } })
    const names = ["a", "b", "c", "d"]
    for (const [i, name] of names.entries()) yield* memory.put(name, patterned(size, i))
    const readAt = (name: string) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("1 second")
        const bytes = yield* cached.getBytes(name)
        assert.isTrue(Buffer.from(bytes).equals(patterned(size, names.indexOf(name))))
      })
    for (const name of ["a", "b", "c", "a", "d"]) yield* readAt(name)
    const left = new Set(yield* entryFiles(store))
    const kept = names.filter((name) => left.has(store.entryPath("p", name).slice(store.root.length + 1)))
    const total = (yield* store.scan).reduce((sum, f) => sum + f.size, 0)
    assert.isAtMost(total, store.settings.maxBytes)
    return kept
  })

describe("eviction in the store (TestClock times)", () => {
  it.effect("lru evicts the least recently read", () =>
    Effect.map(scenario("lru"), (kept) => assert.deepStrictEqual(kept, ["a", "c", "d"])))
  it.effect("fifo evicts the oldest written", () =>
    Effect.map(scenario("fifo"), (kept) => assert.deepStrictEqual(kept, ["b", "c", "d"])))
  it.effect("mru evicts the most recently read", () =>
    Effect.map(scenario("mru"), (kept) => assert.deepStrictEqual(kept, ["b", "c", "d"])))
  it.effect("random evicts one of the older entries", () =>
    Effect.map(scenario("random").pipe(Random.withSeed(7)), (kept) => {
      assert.strictEqual(kept.length, 3)
      assert.include(kept, "d")
    }))
  it.effect("no_eviction keeps what it has and does not admit more", () =>
    Effect.map(scenario("no_eviction"), (kept) => assert.deepStrictEqual(kept, ["a", "b", "c"])))

  it.effect("purge_factor frees a share of the cache beyond what is needed", () =>
    Effect.gen(function*() {
      const size = 10_000
      const entryBytes = headerSize("k0", "m00000001", size) + size
      const { cached, source: memory, store } = yield* cachedMemory({
        settings: { policy: "fifo", maxBytes: 10 * entryBytes, purgeFactor: 50 }
      })
      for (let i = 0; i < 11; i++) {
        yield* memory.put(`k${i}`, patterned(size, i))
        yield* TestClock.adjust("1 second")
        yield* cached.getBytes(`k${i}`)
      }
      // At the 11th entry the cache was full: it freed down to half (5 entries), then added one.
      assert.strictEqual((yield* entryFiles(store)).length, 6)
    }))

  it.effect("rescans every refresh_interval: a wrong size record is corrected", () =>
    Effect.gen(function*() {
      const size = 100_000
      const entryBytes = headerSize("a", "m00000001", size) + size
      const { cached, source: memory, store } = yield* cachedMemory({
        settings: { policy: "fifo", maxBytes: 3 * entryBytes + 100, refreshIntervalMillis: 1000 }
      })
      // A size record that under-counts (as if edited by hand).
      yield* memory.put("x", patterned(size, 9))
      yield* cached.getBytes("x")
      yield* Effect.promise(() => fsp.writeFile(`${store.root}/.size`, "0"))
      for (const [i, name] of ["a", "b", "c"].entries()) {
        yield* memory.put(name, patterned(size, i))
        yield* TestClock.adjust("1 second")
        yield* cached.getBytes(name)
      }
      const total = (yield* store.scan).reduce((sum, f) => sum + f.size, 0)
      assert.isAtMost(total, store.settings.maxBytes)
    }))
})
