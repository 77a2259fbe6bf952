import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { inByteOrder } from "../../../src/providers/storage/keyOrder.ts"
import { compareKeys } from "../../../src/services/StorageProvider.ts"

const utf16 = (keys: ReadonlyArray<string>) => [...keys].toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0))
const reorder = (keys: ReadonlyArray<string>) => Stream.runCollect(inByteOrder(Stream.fromIterable(utf16(keys)), (k) => k))

describe("inByteOrder", () => {
  it.effect("turns UTF-16 order into S3 byte order", () =>
    Effect.gen(function*() {
      const keys = ["a", "\u{1F389}", "\uE000", "b/\u{1F600}x", "b/\uFFFD", "b/\u{1F600}", "b/z", "c\uE000\u{1F389}", "c\uE000\uE001", "c\uE000a", "d"]
      assert.deepStrictEqual(yield* reorder(keys), [...keys].toSorted(compareKeys))
    }))

  it.effect("passes keys without astral characters straight through", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const source = Stream.fromIterable(["a", "b", "c"]).pipe(Stream.tap((k) => Effect.sync(() => seen.push(`in:${k}`))))
      yield* Stream.runForEach(inByteOrder(source, (k) => k), (k) => Effect.sync(() => seen.push(`out:${k}`)))
      assert.deepStrictEqual(seen, ["in:a", "out:a", "in:b", "out:b", "in:c", "out:c"])
    }))

  it.effect("orders random keys like compareKeys", () =>
    Effect.gen(function*() {
      const alphabet = ["a", "/", "\uE000", "\uFFFD", "\u{1F389}", "\u{10000}", "z"]
      let seed = 7
      const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % alphabet.length
      const keys = Array.from({ length: 2000 }, () => Array.from({ length: 1 + (next() % 4) }, () => alphabet[next()]!).join(""))
      assert.deepStrictEqual(yield* reorder([...new Set(keys)]), [...new Set(keys)].toSorted(compareKeys))
    }))
})
