import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema, Scope, Stream } from "effect"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Memory from "../../src/providers/storage/memory.ts"
import { registryWith } from "../../src/layers/ProviderRegistryDefault.ts"
import type { ProviderWrap } from "../../src/layers/StorageClientLive.ts"
import type { ProviderFactory } from "../../src/services/ProviderRegistry.ts"
import { storageError } from "../../src/services/StorageProvider.ts"
import { failure, keysOf, makeClient, scratch, seed, text, TREE } from "./storageClientHarness.ts"

describe("StorageClient list", () => {
  it.effect("lists a directory recursively by default, in S3 order, with URLs", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const entries = yield* Stream.runCollect(client.list("msc://m1/a"))
      assert.deepStrictEqual(entries.map((e) => e.key), ["a/.hidden", "a/b.txt", "a/c/d.txt", "a/c/e.csv"])
      assert.strictEqual(entries[1]!.url, "msc://m1/a/b.txt")
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/a/"), yield* keysOf(client, "msc://m1/a"))
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/"), [
        "a-b/x.txt",
        "a.txt",
        "a/.hidden",
        "a/b.txt",
        "a/c/d.txt",
        "a/c/e.csv",
        "z.bin"
      ])
    }))

  it.effect("a file path lists that file; a partial prefix lists nothing", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/a/b.txt"), ["a/b.txt"])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/a/b"), [])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/a/c/d"), [])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/nothing/here"), [])
    }))

  it.effect("non-recursive listing gives files and directories one level down", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const entries = yield* Stream.runCollect(client.list("msc://m1/a", { recursive: false }))
      assert.deepStrictEqual(
        entries.map((e) => [e.key, e.type]).toSorted(),
        [["a/.hidden", "file"], ["a/b.txt", "file"], ["a/c", "directory"]]
      )
      const root = yield* Stream.runCollect(client.list("msc://m1/", { recursive: false }))
      assert.deepStrictEqual(root.map((e) => e.key).toSorted(), ["a", "a-b", "a.txt", "z.bin"])
    }))

  it.effect("honours startAfter (exclusive) and endAt (inclusive) relative to the base path", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      assert.deepStrictEqual(
        yield* keysOf(client, "msc://m1/a", { startAfter: "a/b.txt", endAt: "a/c/d.txt" }),
        ["a/c/d.txt"]
      )
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/a/b.txt", { startAfter: "a/b.txt" }), [])
      const error = yield* failure(Stream.runCollect(client.list("msc://m1/a", { startAfter: "a/c", endAt: "a/b" })))
      assert.strictEqual(error.reason, "InvalidRange")
      assert.include(error.message, "msc://m1/a")
      const equal = yield* failure(Stream.runCollect(client.list("msc://m1/a", { startAfter: "a/c", endAt: "a/c" })))
      assert.strictEqual(equal.reason, "InvalidRange")
    }))

  it.effect("lists a posix profile and local paths the same way", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir)
      yield* seed(client, "disk", TREE)
      assert.deepStrictEqual(yield* keysOf(client, "msc://disk/a"), ["a/.hidden", "a/b.txt", "a/c/d.txt", "a/c/e.csv"])
      assert.deepStrictEqual(yield* keysOf(client, "msc://disk/a/b"), [])
      const local = yield* Stream.runCollect(client.list(join(dir, "disk/a/c")))
      assert.deepStrictEqual(local.map((e) => e.url), [join(dir, "disk/a/c/d.txt"), join(dir, "disk/a/c/e.csv")])
    }))
})

const globOf = (pattern: string) =>
  Effect.gen(function*() {
    const client = yield* makeClient(scratch())
    yield* seed(client, "m1", TREE)
    return yield* client.glob(pattern)
  })

describe("StorageClient glob", () => {
  it.effect("* stays in one directory and includes implied directories", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* globOf("msc://m1/a/*"), ["msc://m1/a/b.txt", "msc://m1/a/c"])
      assert.deepStrictEqual(yield* globOf("msc://m1/*.txt"), ["msc://m1/a.txt"])
    }))

  it.effect("** crosses directories; a/** is everything below a", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* globOf("msc://m1/**/*.txt"), [
        "msc://m1/a-b/x.txt",
        "msc://m1/a.txt",
        "msc://m1/a/b.txt",
        "msc://m1/a/c/d.txt"
      ])
      assert.deepStrictEqual(yield* globOf("msc://m1/a/**"), [
        "msc://m1/a/b.txt",
        "msc://m1/a/c",
        "msc://m1/a/c/d.txt",
        "msc://m1/a/c/e.csv"
      ])
    }))

  it.effect("dot files only when the pattern spells the dot; ? and [ab]", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* globOf("msc://m1/a/.*"), ["msc://m1/a/.hidden"])
      assert.deepStrictEqual(yield* globOf("msc://m1/a/?.txt"), ["msc://m1/a/b.txt"])
      assert.deepStrictEqual(yield* globOf("msc://m1/a/c/[de].*"), ["msc://m1/a/c/d.txt", "msc://m1/a/c/e.csv"])
      assert.deepStrictEqual(yield* globOf("msc://m1/[ab]*/*.txt"), ["msc://m1/a-b/x.txt", "msc://m1/a/b.txt"])
    }))

  it.effect("a plain path matches itself when it exists", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* globOf("msc://m1/a/b.txt"), ["msc://m1/a/b.txt"])
      assert.deepStrictEqual(yield* globOf("msc://m1/a/c"), ["msc://m1/a/c"])
      assert.deepStrictEqual(yield* globOf("msc://m1/a/nope"), [])
    }))

  it.effect("answers local patterns with local paths, relative ones relative", () =>
    Effect.gen(function*() {
      const dir = scratch()
      mkdirSync(join(dir, "tree/sub"), { recursive: true })
      writeFileSync(join(dir, "tree/one.txt"), "1")
      writeFileSync(join(dir, "tree/sub/two.txt"), "2")
      const client = yield* makeClient(dir)
      assert.deepStrictEqual(yield* client.glob(`${dir}/tree/**/*.txt`), [
        join(dir, "tree/one.txt"),
        join(dir, "tree/sub/two.txt")
      ])
      assert.deepStrictEqual(yield* client.glob("tree/*"), ["tree/one.txt", "tree/sub"])
    }))
})

describe("StorageClient info, isFile, isEmpty", () => {
  it.effect("describes files, directories and the root; names a missing URL", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const file = yield* client.info("msc://m1/a/b.txt")
      assert.strictEqual(file.type, "file")
      assert.strictEqual(file.contentLength, 1)
      const dir = yield* client.info("msc://m1/a/c")
      assert.deepStrictEqual([dir.type, dir.key, dir.contentLength], ["directory", "a/c/", 0])
      assert.strictEqual((yield* client.info("msc://m1/a/c/")).key, "a/c/")
      const root = yield* client.info("msc://m1/")
      assert.deepStrictEqual([root.type, root.key], ["directory", ""])
      const missing = yield* failure(client.info("msc://m1/a/b"))
      assert.strictEqual(missing.reason, "NotFound")
      assert.strictEqual(missing.profile, "m1")
      assert.include(missing.message, "msc://m1/a/b")
    }))

  it.effect("isFile and isEmpty", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      assert.isTrue(yield* client.isFile("msc://m1/a/b.txt"))
      assert.isFalse(yield* client.isFile("msc://m1/a"))
      assert.isFalse(yield* client.isFile("msc://m1/missing"))
      assert.isFalse(yield* client.isEmpty("msc://m1/a"))
      assert.isFalse(yield* client.isEmpty("msc://m1/a/b.txt"))
      assert.isTrue(yield* client.isEmpty("msc://m1/missing"))
      // "a/b" is only a prefix of "a/b.txt", not a directory.
      assert.isTrue(yield* client.isEmpty("msc://m1/a/b"))
      assert.isTrue(yield* client.isEmpty("msc://m2/"))
      assert.isFalse(yield* client.isEmpty("msc://m1/"))
    }))
})

describe("StorageClient profiles", () => {
  it.effect("names an unknown profile, a bad URL, an unavailable provider type and bad options", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      const unknown = yield* failure(client.info("msc://nope/x"))
      assert.include(unknown.message, "nope")
      const badUrl = yield* failure(client.info("ftp://host/x"))
      assert.strictEqual(badUrl.reason, "InvalidPath")
      assert.include(badUrl.message, "ftp://host/x")
      const unregistered = yield* failure(client.info("msc://cloud/x"))
      assert.strictEqual(unregistered.reason, "Unsupported")
      assert.strictEqual(unregistered.profile, "cloud")
      assert.include(unregistered.message, "provider type 'hdfs', which is not available in this build; registered types: azure, file, gcs, memory, posix, s3")
      const typo = yield* failure(client.provider("typo"))
      assert.strictEqual(typo.reason, "Unsupported")
      assert.include(typo.message, "'typo'")
      assert.include(typo.message, "colour")
    }))

  it.live("builds a profile once, on first use, even under concurrent first uses; releases it with the scope", () =>
    Effect.gen(function*() {
      const counter = { builds: 0, released: 0 }
      const counted: ProviderFactory = {
        type: "counted",
        options: Schema.Struct({}),
        make: () =>
          Effect.gen(function*() {
            counter.builds++
            yield* Effect.addFinalizer(() => Effect.sync(() => counter.released++))
            yield* Effect.sleep("20 millis")
            return yield* Memory.make()
          })
      }
      const scope = yield* Scope.make()
      const client = yield* makeClient(scratch(), { registry: registryWith([counted]) }).pipe(Scope.provide(scope))
      yield* client.write("msc://m1/x", text("x"))
      assert.strictEqual(counter.builds, 0)
      const providers = yield* Effect.all(Array.from({ length: 10 }, () => client.provider("counted")), {
        concurrency: "unbounded"
      })
      assert.strictEqual(counter.builds, 1)
      assert.isTrue(providers.every((p) => p === providers[0]))
      yield* client.write("msc://counted/y", text("y"))
      assert.strictEqual(counter.builds, 1)
      assert.strictEqual(counter.released, 0)
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(counter.released, 1)
    }))

  it.effect("forgets a failed build, so the next use tries again", () =>
    Effect.gen(function*() {
      let attempts = 0
      const counted: ProviderFactory = {
        type: "counted",
        options: Schema.Struct({}),
        make: () =>
          Effect.suspend(() =>
            ++attempts === 1 ? Effect.fail(storageError("Unavailable", "Not yet.")) : Memory.make()
          )
      }
      const client = yield* makeClient(scratch(), { registry: registryWith([counted]) })
      const first = yield* failure(client.provider("counted"))
      assert.strictEqual(first.reason, "Unavailable")
      assert.strictEqual(first.profile, "counted")
      yield* client.provider("counted")
      assert.strictEqual(attempts, 2)
    }))

  it.effect("applies the wrap hook once per profile", () =>
    Effect.gen(function*() {
      const wrapped: Array<string> = []
      const wrap: ProviderWrap = (profile, _config, provider) =>
        Effect.sync(() => {
          wrapped.push(profile)
          return { ...provider, type: `wrapped-${provider.type}` }
        })
      const client = yield* makeClient(scratch(), { wrap })
      yield* client.write("msc://m1/a", text("a"))
      yield* client.read("msc://m1/a")
      assert.deepStrictEqual(wrapped, ["m1"])
      assert.strictEqual((yield* client.provider("m1")).type, "wrapped-memory")
    }))
})
