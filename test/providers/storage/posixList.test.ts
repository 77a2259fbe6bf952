import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { mkdirSync, symlinkSync } from "node:fs"
import { join } from "node:path"
import { listKeys, seed, setup } from "./posixFixture.ts"

const TREE = ["a-b/x", "a.txt", "a/b.txt", "a/bc/d", "a/b/e", "a/c/d/e", "b", "\uE000", "\u{1F389}"]

describe("posix provider: listings", () => {
  it.effect("lists files in S3 byte order, a directory sorting as 'name/'", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      seed(base, TREE)
      assert.deepStrictEqual(yield* listKeys(p), [
        "a-b/x",
        "a.txt",
        "a/b.txt",
        "a/b/e",
        "a/bc/d",
        "a/c/d/e",
        "b",
        "\uE000",
        "\u{1F389}"
      ])
    }))

  it.effect("treats the prefix as a raw key prefix", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      seed(base, TREE)
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a/b" }), ["a/b.txt", "a/b/e", "a/bc/d"])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a" }), ["a-b/x", "a.txt", "a/b.txt", "a/b/e", "a/bc/d", "a/c/d/e"])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a/" }), ["a/b.txt", "a/b/e", "a/bc/d", "a/c/d/e"])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a/c/d/e" }), ["a/c/d/e"])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "missing/dir/" }), [])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a.txt/" }), [], "a prefix through a file lists nothing")
    }))

  it.effect("keeps the keys below a directory that sorts before startAfter by its bare name (MSC drops them)", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      seed(base, TREE)
      assert.deepStrictEqual(yield* listKeys(p, { startAfter: "a.txt", endAt: "a/c/d/e" }), ["a/b.txt", "a/b/e", "a/bc/d", "a/c/d/e"])
      assert.deepStrictEqual(yield* listKeys(p, { startAfter: "a/b", endAt: "a/bc/d" }), ["a/b.txt", "a/b/e", "a/bc/d"])
      assert.deepStrictEqual(yield* listKeys(p, { startAfter: "a/b/e" }), ["a/bc/d", "a/c/d/e", "b", "\uE000", "\u{1F389}"])
      assert.deepStrictEqual(yield* listKeys(p, { startAfter: "a/c" , endAt: "b" }), ["a/c/d/e", "b"])
      assert.deepStrictEqual(yield* listKeys(p, { endAt: "a/" }), ["a-b/x", "a.txt"])
      assert.deepStrictEqual(yield* listKeys(p, { startAfter: "\u{1F389}" }), [])
      assert.deepStrictEqual(yield* listKeys(p, { startAfter: "b", endAt: "a" }), [])
    }))

  it.effect("lists one level with includeDirectories, directories merged as 'name/'", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      seed(base, TREE)
      const top = yield* Stream.runCollect(p.list({ includeDirectories: true }))
      assert.deepStrictEqual(top.map((e) => `${e.type}:${e.key}`), [
        "directory:a-b",
        "file:a.txt",
        "directory:a",
        "file:b",
        "file:\uE000",
        "file:\u{1F389}"
      ])
      for (const entry of top) {
        if (entry.type === "directory") {
          assert.strictEqual(entry.contentLength, 0)
          assert.isUndefined(entry.etag)
          assert.isAbove(entry.lastModified.getTime(), 0, "a directory carries its own mtime")
        }
      }
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a/b", includeDirectories: true }), ["a/b.txt", "a/b/", "a/bc/"])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "a/c/", includeDirectories: true }), ["a/c/d/"])
    }))

  it.effect("bounds one-level listings by the keys below each directory", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      seed(base, ["d/x/1", "d/x/2", "d/y/1", "d/z.txt"])
      const oneLevel = (startAfter?: string, endAt?: string) =>
        listKeys(p, {
          prefix: "d/",
          includeDirectories: true,
          ...(startAfter === undefined ? {} : { startAfter }),
          ...(endAt === undefined ? {} : { endAt })
        })
      assert.deepStrictEqual(yield* oneLevel(), ["d/x/", "d/y/", "d/z.txt"])
      assert.deepStrictEqual(yield* oneLevel("d/x/1"), ["d/x/", "d/y/", "d/z.txt"], "d/x/2 is still after it")
      assert.deepStrictEqual(yield* oneLevel("d/x/2"), ["d/y/", "d/z.txt"], "nothing below d/x is after d/x/2")
      assert.deepStrictEqual(yield* oneLevel(undefined, "d/y/0"), ["d/x/"], "nothing below d/y is up to d/y/0")
      assert.deepStrictEqual(yield* oneLevel(undefined, "d/y/1"), ["d/x/", "d/y/"])
    }))

  it.effect("lists an empty base, and a base that does not exist yet, as nothing", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      assert.deepStrictEqual(yield* listKeys(p), [])
      mkdirSync(join(base, "empty/dirs"), { recursive: true })
      assert.deepStrictEqual(yield* listKeys(p), [])
    }))

  it.effect("streams large directories in batches, in order", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      const keys = Array.from({ length: 1500 }, (_, i) => `d${i % 3}/k${String(i).padStart(5, "0")}`)
      seed(base, keys)
      const listed = (yield* Stream.runCollect(p.list())).map((e) => e.key)
      assert.deepStrictEqual(listed, keys.toSorted())
      const first = yield* Stream.runCollect(p.list().pipe(Stream.take(3)))
      assert.deepStrictEqual(first.map((e) => e.key), listed.slice(0, 3))
      const page = (yield* Stream.runCollect(p.list({ startAfter: listed[700]!, endAt: listed[1203]! }))).map((e) => e.key)
      assert.deepStrictEqual(page, listed.slice(701, 1204))
    }))

  it.effect("follows symlinks inside the base and never loops", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      seed(base, ["real/x.txt", "real/sub/y.txt"])
      symlinkSync(join(base, "real"), join(base, "linked"))
      symlinkSync(join(base, "real/x.txt"), join(base, "file-link"))
      symlinkSync("..", join(base, "real/sub/up"))
      symlinkSync(join(base, "nowhere"), join(base, "dangling"))
      assert.deepStrictEqual(yield* listKeys(p), [
        "file-link",
        "linked/sub/y.txt",
        "linked/x.txt",
        "real/sub/y.txt",
        "real/x.txt"
      ])
      assert.deepStrictEqual(yield* listKeys(p, { includeDirectories: true }), ["file-link", "linked/", "real/"])
    }))
})
