/**
 * The listing cases of the StorageProvider behaviour suite: S3 byte order, raw
 * prefixes, one-level listings with directories, and bounds.
 *
 * @since 0.1.0
 */
import { assert } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { StorageProvider } from "../services/StorageProvider.ts"
import { listKeys, putText, withRoot } from "./StorageProviderSuiteData.ts"

/**
 * Registers the listing cases on a suite whose layer provides the provider.
 *
 * @since 0.1.0
 * @category suites
 */
export const listingCases = (it: Vitest.MethodsNonLive<StorageProvider>): void => {
  it.effect("lists in S3 byte order (UTF-8 code points, not UTF-16 units)", () =>
    withRoot(Effect.fnUntraced(function*({ at, p, root }) {
      // Written in an order that is neither sorted nor reversed.
      for (const name of ["a/c", "\u{1F389}", "a.txt", "b", "a-b/x", "\uE000", "a/b.txt"]) yield* putText(p, at(name), name)
      const expected = ["a-b/x", "a.txt", "a/b.txt", "a/c", "b", "\uE000", "\u{1F389}"].map(at)
      assert.deepStrictEqual(yield* listKeys(p, { prefix: `${root}/` }), expected)
      assert.deepStrictEqual(yield* listKeys(p, { prefix: root }), expected, "a prefix without '/' is raw too")
    })))

  it.effect("treats the prefix as a raw key prefix, with or without directories", () =>
    withRoot(Effect.fnUntraced(function*({ at, p }) {
      for (const name of ["a/b.txt", "a/bc/d", "a/b/e", "a/c", "ab"]) yield* putText(p, at(name), name)
      assert.deepStrictEqual(yield* listKeys(p, { prefix: at("a/b") }), ["a/b.txt", "a/b/e", "a/bc/d"].map(at))
      const oneLevel = yield* Stream.runCollect(p.list({ prefix: at("a/b"), includeDirectories: true }))
      const byKey = new Map(oneLevel.map((e) => [e.key, e]))
      assert.deepStrictEqual([...byKey.keys()].toSorted(), ["a/b", "a/b.txt", "a/bc"].map(at).toSorted())
      assert.strictEqual(byKey.get(at("a/b.txt"))?.type, "file")
      for (const dir of ["a/b", "a/bc"]) {
        assert.strictEqual(byKey.get(at(dir))?.type, "directory", `${dir} is a directory`)
        assert.strictEqual(byKey.get(at(dir))?.contentLength, 0)
      }
      assert.deepStrictEqual(yield* listKeys(p, { prefix: at("nothing-here") }), [])
    })))

  it.effect("lists one level with includeDirectories", () =>
    withRoot(Effect.fnUntraced(function*({ at, p, root }) {
      for (const name of ["a-b/x", "a.txt", "a/b.txt", "a/c/d/e", "b", "\uE000", "\u{1F389}"]) yield* putText(p, at(name), name)
      const entries = yield* Stream.runCollect(p.list({ prefix: `${root}/`, includeDirectories: true }))
      const files = entries.filter((e) => e.type === "file").map((e) => e.key)
      const dirs = entries.filter((e) => e.type === "directory").map((e) => e.key)
      assert.deepStrictEqual(files, ["a.txt", "b", "\uE000", "\u{1F389}"].map(at), "files, in order")
      assert.deepStrictEqual(dirs, ["a-b", "a"].map(at), "directories, in order, without trailing '/'")
      for (const e of entries) if (e.type === "directory") assert.strictEqual(e.contentLength, 0)
      const below = yield* listKeys(p, { prefix: at("a/"), includeDirectories: true })
      assert.deepStrictEqual([...below].toSorted(), [at("a/b.txt"), `${at("a/c")}/`].toSorted())
    })))

  it.effect("bounds listings: startAfter exclusive, endAt inclusive", () =>
    withRoot(Effect.fnUntraced(function*({ at, p, root }) {
      const all = ["k1", "k2", "k3", "k4", "k5"].map(at)
      for (const key of all) yield* putText(p, key, key)
      const prefix = `${root}/`
      assert.deepStrictEqual(yield* listKeys(p, { prefix, startAfter: at("k2") }), all.slice(2))
      assert.deepStrictEqual(yield* listKeys(p, { prefix, endAt: at("k4") }), all.slice(0, 4))
      assert.deepStrictEqual(yield* listKeys(p, { prefix, startAfter: at("k2"), endAt: at("k4") }), all.slice(2, 4))
      assert.deepStrictEqual(yield* listKeys(p, { prefix, startAfter: at("k2a"), endAt: at("k4a") }), all.slice(2, 4))
      assert.deepStrictEqual(yield* listKeys(p, { prefix, startAfter: at("k5") }), [])
      assert.deepStrictEqual(yield* listKeys(p, { prefix, startAfter: at("k0"), endAt: at("k1") }), all.slice(0, 1))
    })))
}
