import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Result, Schema, Stream } from "effect"
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Posix from "../../../src/providers/storage/posix.ts"
import { StorageProvider } from "../../../src/services/StorageProvider.ts"
import { testStorageProvider } from "../../../src/testing/StorageProviderSuite.ts"
import { bytes, filesOnDisk, ignoresPermissions, listKeys, openFds, scratchDir, setup, text } from "./posixFixture.ts"

testStorageProvider(
  "posix",
  Layer.effect(StorageProvider, Effect.flatMap(scratchDir, (basePath) => Posix.make({ basePath })))
)

describe("posix provider: objects", () => {
  it.effect("stores objects as plain files under the base path, creating directories", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      yield* p.put("a/b/c.txt", bytes("hello"))
      assert.strictEqual(readFileSync(join(base, "a/b/c.txt"), "utf8"), "hello")
      writeFileSync(join(base, "a/made-by-hand.txt"), "by hand")
      assert.strictEqual(text(yield* p.getBytes("a/made-by-hand.txt")), "by hand")
      assert.deepStrictEqual(filesOnDisk(base), ["a/b/c.txt", "a/made-by-hand.txt"])
    }))

  it.effect("writes streamed bodies of small and large chunks in order", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      const pieces: Array<Uint8Array> = []
      for (let i = 0; i < 3000; i++) pieces.push(new Uint8Array(7 + (i % 50)).fill(i & 0xff))
      pieces.splice(1500, 0, new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff))
      const expected = new Uint8Array(pieces.reduce((n, piece) => n + piece.byteLength, 0))
      let at = 0
      for (const piece of pieces) {
        expected.set(piece, at)
        at += piece.byteLength
      }
      const meta = yield* p.put("streamed.bin", Stream.fromIterable(pieces))
      assert.strictEqual(meta.contentLength, expected.byteLength)
      assert.deepStrictEqual(yield* p.getBytes("streamed.bin"), expected)
    }))

  it.effect("changes the etag on every overwrite, even with the same bytes in the same millisecond", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      const etags: Array<string> = []
      for (let i = 0; i < 20; i++) etags.push((yield* p.put("same.bin", bytes("same bytes"))).etag!)
      for (let i = 1; i < etags.length; i++) assert.notStrictEqual(etags[i], etags[i - 1], `overwrite ${i}`)
      assert.strictEqual((yield* p.head("same.bin")).etag, etags.at(-1))
      const copied = yield* p.copy("same.bin", "copy.bin")
      assert.notStrictEqual(copied.etag, etags.at(-1))
      assert.strictEqual((yield* p.head("copy.bin")).etag, copied.etag)
    }))

  it.live("never shows a partial object: readers see the old content until the put completes", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      const before = yield* p.put("doc.txt", bytes("old content"))
      const release = yield* Deferred.make<void>()
      const body = Stream.concat(
        Stream.make(bytes("new ")),
        Stream.fromEffect(Effect.as(Deferred.await(release), bytes("content, longer")))
      )
      const fiber = yield* Effect.forkChild(p.put("doc.txt", body))
      // Wait until the first chunk is in the temporary file.
      while (!readdirSync(base).some((name) => name.startsWith(".doc.txt.strata-tmp-"))) yield* Effect.sleep("2 millis")
      assert.strictEqual(text(yield* p.getBytes("doc.txt")), "old content")
      assert.strictEqual((yield* p.head("doc.txt")).etag, before.etag)
      assert.deepStrictEqual(yield* listKeys(p), ["doc.txt"], "the temporary file is not listed")
      yield* Deferred.succeed(release, undefined)
      const after = yield* Fiber.join(fiber)
      assert.strictEqual(text(yield* p.getBytes("doc.txt")), "new content, longer")
      assert.notStrictEqual(after.etag, before.etag)
      assert.deepStrictEqual(readdirSync(base), ["doc.txt"], "no temporary file is left")
    }))

  it.live("removes the temporary file of a failed or interrupted put and keeps the old object", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      yield* p.put("k/doc.txt", bytes("old"))
      const failing = Stream.concat(Stream.make(bytes("partial")), Stream.fail("broken body" as const))
      assert.strictEqual(yield* Effect.flip(p.put("k/doc.txt", failing)), "broken body")
      assert.strictEqual(yield* Effect.flip(p.put("k/new.txt", failing)), "broken body")
      assert.deepStrictEqual(filesOnDisk(base), ["k/doc.txt"])
      const fiber = yield* Effect.forkChild(p.put("k/doc.txt", Stream.concat(Stream.make(bytes("partial")), Stream.never)))
      while (readdirSync(join(base, "k")).length < 2) yield* Effect.sleep("2 millis")
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(filesOnDisk(base), ["k/doc.txt"])
      assert.strictEqual(text(yield* p.getBytes("k/doc.txt")), "old")
    }))

  it.effect("hides temporary-looking files from listings and refuses keys of that form", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      yield* p.put("d/x.txt", bytes("x"))
      writeFileSync(join(base, "d/.x.txt.strata-tmp-abc123"), "stray")
      assert.deepStrictEqual(yield* listKeys(p), ["d/x.txt"])
      const error = yield* Effect.flip(p.put("d/.y.strata-tmp-1", bytes("y")))
      assert.strictEqual(error.reason, "InvalidPath")
      assert.include(error.message, "d/.y.strata-tmp-1")
      assert.strictEqual((yield* Effect.flip(p.copy("d/x.txt", "d/.z.strata-tmp-9"))).reason, "InvalidPath")
      yield* p.put("d/.hidden", bytes("an ordinary dot file"))
      assert.deepStrictEqual(yield* listKeys(p), ["d/.hidden", "d/x.txt"])
    }))

  it.effect("removes the directories a delete leaves empty, never the base", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      yield* p.put("a/b/c/deep.txt", bytes("1"))
      yield* p.put("a/keep.txt", bytes("2"))
      yield* p.delete("a/b/c/deep.txt")
      assert.isFalse(existsSync(join(base, "a/b")), "a/b/c and a/b are gone")
      assert.isTrue(existsSync(join(base, "a/keep.txt")))
      yield* p.delete("a/keep.txt")
      assert.deepStrictEqual(readdirSync(base), [])
      assert.deepStrictEqual(yield* listKeys(p, { includeDirectories: true }), [])
      const missing = yield* Effect.flip(p.delete("a/keep.txt"))
      assert.strictEqual(missing.reason, "NotFound")
      assert.include(missing.message, "a/keep.txt")
    }))

  it.effect("leaves directories alone when the base is the whole file system", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      mkdirSync(join(dir, "user/dir"), { recursive: true })
      writeFileSync(join(dir, "user/dir/only.txt"), "x")
      const root = yield* Posix.make({ basePath: "/" })
      yield* root.delete(`${dir.slice(1)}/user/dir/only.txt`)
      assert.isTrue(existsSync(join(dir, "user/dir")), "a user's folder outlives its last file")
    }))

  it.effect("refuses to write through an object used as a directory, or over a directory", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      yield* p.put("file", bytes("f"))
      const under = yield* Effect.flip(p.put("file/child", bytes("c")))
      assert.strictEqual(under.reason, "InvalidPath")
      assert.include(under.message, "file/child")
      yield* p.put("dir/child", bytes("c"))
      const over = yield* Effect.flip(p.put("dir", bytes("d")))
      assert.strictEqual(over.reason, "InvalidPath")
      assert.include(over.message, "'dir'")
      assert.strictEqual((yield* Effect.flip(p.delete("dir"))).reason, "NotFound")
      assert.strictEqual((yield* Effect.flip(p.copy("dir", "elsewhere"))).reason, "NotFound")
      assert.strictEqual((yield* Effect.flip(Stream.runDrain(p.read("dir")))).reason, "NotFound")
      assert.strictEqual(text(yield* p.getBytes("dir/child")), "c")
    }))

  it.effect("refuses user metadata and content types (no xattrs), accepts empty metadata", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      assert.isFalse(p.capabilities.userMetadata)
      assert.isFalse(p.capabilities.contentType)
      const withMetadata = yield* Effect.flip(p.put("m.txt", bytes("x"), { metadata: { owner: "ada" } }))
      assert.strictEqual(withMetadata.reason, "Unsupported")
      assert.include(withMetadata.message, "m.txt")
      const withType = yield* Effect.flip(p.put("m.txt", bytes("x"), { contentType: "text/plain" }))
      assert.strictEqual(withType.reason, "Unsupported")
      yield* Effect.flip(p.head("m.txt"))
      const meta = yield* p.put("m.txt", bytes("x"), { metadata: {} })
      assert.isUndefined(meta.contentType)
      assert.isUndefined((yield* p.head("m.txt")).metadata)
    }))

  it.effect("lets exactly one of many concurrent create-only puts win", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      const results = yield* Effect.forEach(
        Array.from({ length: 12 }, (_, i) => i),
        (i) => Effect.result(p.put("once.txt", bytes(`writer ${i}`), { ifNoneMatch: "*" })),
        { concurrency: "unbounded" }
      )
      const won = results.filter(Result.isSuccess)
      assert.strictEqual(won.length, 1)
      for (const result of results) {
        if (Result.isFailure(result)) assert.strictEqual(result.failure.reason, "AlreadyExists")
      }
      assert.strictEqual((yield* p.head("once.txt")).etag, won[0]!.success.etag)
    }))

  it.effect("lets exactly one of many concurrent puts with the same ifMatch win", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      const { etag } = yield* p.put("cas.txt", bytes("v0"))
      const results = yield* Effect.forEach(
        Array.from({ length: 12 }, (_, i) => i),
        (i) => Effect.result(p.put("cas.txt", bytes(`v${i + 1}`), { ifMatch: etag! })),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.filter(Result.isSuccess).length, 1)
      for (const result of results) {
        if (Result.isFailure(result)) assert.strictEqual(result.failure.reason, "PreconditionFailed")
      }
      const deleted = yield* Effect.exit(p.delete("cas.txt", { ifMatch: etag! }))
      assert.isTrue(Exit.isFailure(deleted), "the old etag no longer matches")
    }))

  it.effect("flushes to disk when asked (fsync), with the same results", () =>
    Effect.gen(function*() {
      const { p } = yield* setup({ fsync: true })
      yield* p.put("f/x.txt", bytes("durable"))
      yield* p.put("f/y.txt", Stream.make(bytes("dur"), bytes("able")), { ifNoneMatch: "*" })
      yield* p.copy("f/x.txt", "f/z.txt")
      assert.deepStrictEqual(yield* listKeys(p), ["f/x.txt", "f/y.txt", "f/z.txt"])
      assert.strictEqual(text(yield* p.getBytes("f/y.txt")), "durable")
    }))

  it.effect("closes every descriptor it opens, on success, failure and early stop", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      const before = openFds()
      if (before === undefined) return
      yield* p.put("big.bin", new Uint8Array(1024 * 1024))
      for (let i = 0; i < 20; i++) {
        yield* p.getBytes("big.bin", { range: { offset: 10, length: 10 } })
        yield* Stream.runDrain(p.read("big.bin").pipe(Stream.take(1)))
        yield* Effect.flip(p.getBytes("big.bin", { range: { offset: 2 * 1024 * 1024 } }))
        yield* Effect.flip(p.getBytes("big.bin", { ifMatch: "nope" }))
        yield* Effect.flip(p.head("missing"))
        yield* p.copy("big.bin", "copy.bin")
      }
      assert.strictEqual(openFds(), before)
    }))

  it.effect.skipIf(ignoresPermissions)(
    "maps an unreadable file to PermissionDenied (skipped where mode 000 does not stop reads, e.g. as root)",
    () =>
      Effect.gen(function*() {
        const { base, p } = yield* setup()
        yield* p.put("locked.txt", bytes("x"))
        chmodSync(join(base, "locked.txt"), 0o000)
        const error = yield* Effect.flip(p.getBytes("locked.txt"))
        assert.strictEqual(error.reason, "PermissionDenied")
        assert.include(error.message, "locked.txt")
        assert.strictEqual((yield* p.head("locked.txt")).contentLength, 1, "head needs no read permission")
        mkdirSync(join(base, "ro"))
        chmodSync(join(base, "ro"), 0o555)
        assert.strictEqual((yield* Effect.flip(p.put("ro/x.txt", bytes("x")))).reason, "PermissionDenied")
        chmodSync(join(base, "ro"), 0o755)
      })
  )
})

describe("posix provider: construction", () => {
  it.effect("creates a missing base path on the first write; reads and lists nothing before", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      const base = join(dir, "not/yet")
      const p = yield* Posix.make({ basePath: `${base}/` })
      assert.deepStrictEqual(yield* listKeys(p), [])
      assert.strictEqual((yield* Effect.flip(p.getBytes("x"))).reason, "NotFound")
      yield* p.put("x", bytes("x"))
      assert.deepStrictEqual(readdirSync(base), ["x"])
      assert.deepStrictEqual(yield* listKeys(p), ["x"])
    }))

  it.effect("refuses a relative base path and one that is a file", () =>
    Effect.gen(function*() {
      const relative = yield* Effect.flip(Posix.make({ basePath: "data/here" }))
      assert.strictEqual(relative.reason, "InvalidPath")
      assert.include(relative.message, "'data/here' is not absolute")
      const dir = yield* scratchDir
      writeFileSync(join(dir, "plain"), "x")
      const file = yield* Effect.flip(Posix.make({ basePath: join(dir, "plain") }))
      assert.strictEqual(file.reason, "InvalidPath")
      assert.include(file.message, "is not a directory")
      const below = yield* Effect.flip(Posix.make({ basePath: join(dir, "plain/sub") }))
      assert.notStrictEqual(below.reason, undefined)
    }))

  describe("factories", () => {
    const decode = Schema.decodeUnknownEffect(Posix.factory.options)

    it.effect("decode MSC options and reject unknown keys by name", () =>
      Effect.gen(function*() {
        assert.strictEqual(Posix.factory.type, "file")
        assert.strictEqual(Posix.posixFactory.type, "posix")
        assert.deepStrictEqual(yield* decode({ base_path: "/data" }), { base_path: "/data" })
        assert.deepStrictEqual(yield* decode({ base_path: "", rust_client: { max_concurrency: 4 } }), {
          base_path: "",
          rust_client: { max_concurrency: 4 }
        })
        const unknown = yield* Effect.flip(decode({ base_path: "/data", bucket: "x" }))
        assert.include(unknown.message, "bucket")
        const strict = yield* Effect.flip(
          Schema.decodeUnknownEffect(Posix.factory.options, { onExcessProperty: "error" })({ base_path: "/", region: "x" })
        )
        assert.include(strict.message, "region")
        assert.include((yield* Effect.flip(decode({ base_path: 3 }))).message, "base_path")
        assert.include((yield* Effect.flip(decode({}))).message, "base_path")
      }))

    it.effect("resolve a relative base_path against the config file's folder", () =>
      Effect.gen(function*() {
        const dir = yield* scratchDir
        mkdirSync(join(dir, "conf/data"), { recursive: true })
        writeFileSync(join(dir, "conf/data/a.txt"), "a")
        const provider = yield* Posix.factory.make({ base_path: "./data" }, { profile: "disk", file: join(dir, "conf/msc.yaml") })
        assert.strictEqual(text(yield* provider.getBytes("a.txt")), "a")
      }))

    it.effect("refuse a relative base_path without a config file, with a ConfigError naming the option", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Posix.factory.make({ base_path: "relative/dir" }, { profile: "disk" }))
        assert.strictEqual(error._tag, "ConfigError")
        assert.include(error.message, "relative/dir")
        if (error._tag === "ConfigError") {
          assert.strictEqual(error.path, "profiles.disk.storage_provider.options.base_path")
        }
      }))

    it.effect("read base_path \"\" as the root directory, and keep their type name", () =>
      Effect.gen(function*() {
        const dir = yield* scratchDir
        writeFileSync(join(dir, "hello.txt"), "hi")
        const root = yield* Posix.factory.make({ base_path: "" }, { profile: "__filesystem__" })
        assert.strictEqual(root.type, "file")
        assert.strictEqual(text(yield* root.getBytes(`${dir.slice(1)}/hello.txt`)), "hi")
        assert.deepStrictEqual(yield* listKeys(root, { prefix: `${dir.slice(1)}/` }), [`${dir.slice(1)}/hello.txt`])
        const posix = yield* Posix.posixFactory.make({ base_path: dir }, { profile: "p" })
        assert.strictEqual(posix.type, "posix")
        assert.deepStrictEqual(yield* listKeys(posix), ["hello.txt"])
      }))
  })
})
