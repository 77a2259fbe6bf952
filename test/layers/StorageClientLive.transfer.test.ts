import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { registryWith } from "../../src/layers/ProviderRegistryDefault.ts"
import * as Memory from "../../src/providers/storage/memory.ts"
import { decode, failure, flakyFactory, keysOf, makeClient, scratch, seed, text, TREE } from "./storageClientHarness.ts"

describe("StorageClient read, write, copy", () => {
  it.effect("reads bytes, ranges and streams; a directory is not a file", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* client.write("msc://m1/dir/f.txt", text("hello world"), { contentType: "text/plain" })
      assert.strictEqual(decode(yield* client.read("msc://m1/dir/f.txt")), "hello world")
      assert.strictEqual(decode(yield* client.read("msc://m1/dir/f.txt", { range: { offset: 6, length: 5 } })), "world")
      const chunks = yield* Stream.runCollect(client.open("msc://m1/dir/f.txt"))
      assert.strictEqual(decode(Buffer.concat(chunks)), "hello world")
      const directory = yield* failure(client.read("msc://m1/dir"))
      assert.strictEqual(directory.reason, "InvalidPath")
      assert.include(directory.message, "msc://m1/dir is a directory")
      const missing = yield* failure(Stream.runCollect(client.open("msc://m1/nope.txt")))
      assert.strictEqual(missing.reason, "NotFound")
      assert.include(missing.message, "msc://m1/nope.txt")
      const badRange = yield* failure(client.read("msc://m1/dir/f.txt", { range: { offset: 99 } }))
      assert.strictEqual(badRange.reason, "InvalidRange")
      assert.strictEqual(badRange.profile, "m1")
      assert.include(badRange.message, "msc://m1/dir/f.txt")
    }))

  it.effect("refuses to write to a directory path", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      const error = yield* failure(client.write("msc://m1/dir/", text("x")))
      assert.strictEqual(error.reason, "InvalidPath")
      assert.include(error.message, "msc://m1/dir/")
    }))

  it.effect("copies within a profile and across profiles, carrying content type and metadata", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir)
      yield* client.write("msc://m1/src.txt", text("payload"), { contentType: "text/csv", metadata: { owner: "ada" } })
      yield* client.copy("msc://m1/src.txt", "msc://m1/same.txt")
      assert.strictEqual(decode(yield* client.read("msc://m1/same.txt")), "payload")
      const across = yield* client.copy("msc://m1/src.txt", "msc://m2/deep/copy.txt")
      assert.strictEqual(across.contentType, "text/csv")
      assert.deepStrictEqual((yield* client.info("msc://m2/deep/copy.txt")).metadata, { owner: "ada" })
      yield* client.copy("msc://m1/src.txt", "msc://disk/out/copy.txt")
      assert.strictEqual(readFileSync(join(dir, "disk/out/copy.txt"), "utf8"), "payload")
      yield* client.copy("msc://disk/out/copy.txt", "msc://m2/back.txt")
      assert.strictEqual(decode(yield* client.read("msc://m2/back.txt")), "payload")
    }))

  it.effect("refuses to copy a directory or a missing file", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const directory = yield* failure(client.copy("msc://m1/a", "msc://m2/a"))
      assert.strictEqual(directory.reason, "InvalidPath")
      assert.include(directory.message, "is a directory")
      const sameProfile = yield* failure(client.copy("msc://m1/a", "msc://m1/b"))
      assert.include(sameProfile.message, "msc://m1/a is a directory")
      const missing = yield* failure(client.copy("msc://m1/nope", "msc://m2/x"))
      assert.strictEqual(missing.reason, "NotFound")
      assert.include(missing.message, "msc://m1/nope")
    }))
})

describe("StorageClient delete", () => {
  it.effect("deletes a file; refuses a directory without recursive; deletes it all with", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      assert.deepStrictEqual(yield* client.delete("msc://m1/a.txt"), { deleted: 1 })
      assert.isFalse(yield* client.isFile("msc://m1/a.txt"))
      const refused = yield* failure(client.delete("msc://m1/a"))
      assert.strictEqual(refused.reason, "InvalidPath")
      assert.include(refused.message, "msc://m1/a is a directory; pass recursive")
      assert.deepStrictEqual(yield* client.delete("msc://m1/a", { recursive: true }), { deleted: 4 })
      assert.deepStrictEqual(yield* keysOf(client, "msc://m1/"), ["a-b/x.txt", "z.bin"])
      const missing = yield* failure(client.delete("msc://m1/a"))
      assert.strictEqual(missing.reason, "NotFound")
      assert.include(missing.message, "msc://m1/a")
    }))

  it.effect("deletes a posix tree recursively", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir)
      const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`t/${i % 3}/f${i}.txt`, `${i}`]))
      yield* seed(client, "disk", many)
      assert.deepStrictEqual(yield* client.delete("msc://disk/t/", { recursive: true }), { deleted: 40 })
      assert.isTrue(yield* client.isEmpty("msc://disk/t"))
    }))
})

describe("StorageClient uploadFile and downloadFile", () => {
  it.effect("round-trips a local file, creating parent directories", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir)
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 251)
      writeFileSync(join(dir, "in.bin"), bytes)
      const meta = yield* client.uploadFile("msc://m1/up/in.bin", "in.bin")
      assert.strictEqual(meta.contentLength, bytes.length)
      yield* client.downloadFile("msc://m1/up/in.bin", join(dir, "out/deeper/in.bin"))
      assert.deepStrictEqual(new Uint8Array(readFileSync(join(dir, "out/deeper/in.bin"))), bytes)
      assert.deepStrictEqual(readdirSync(join(dir, "out/deeper")), ["in.bin"])
    }))

  it.effect("names a missing local file, and a missing or directory source", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir)
      const local = yield* failure(client.uploadFile("msc://m1/x", join(dir, "no-such.bin")))
      assert.strictEqual(local.reason, "NotFound")
      assert.include(local.message, join(dir, "no-such.bin"))
      const remote = yield* failure(client.downloadFile("msc://m1/none.bin", join(dir, "none.bin")))
      assert.strictEqual(remote.reason, "NotFound")
      assert.include(remote.message, "msc://m1/none.bin")
      assert.isFalse(existsSync(join(dir, "none.bin")))
      const folder = yield* failure(client.uploadFile("msc://m1/x", join(dir, "disk")))
      assert.strictEqual(folder.reason, "InvalidPath")
    }))

  it.effect("a failed download leaves no partial file and keeps the old one", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir, { registry: registryWith([flakyFactory]) })
      yield* client.write("msc://flaky/big.bin", text("x".repeat(1000)))
      const error = yield* failure(client.downloadFile("msc://flaky/big.bin", join(dir, "got/big.bin")))
      assert.strictEqual(error.reason, "Unavailable")
      assert.strictEqual(error.profile, "flaky")
      assert.deepStrictEqual(readdirSync(join(dir, "got")), [])
      writeFileSync(join(dir, "got/big.bin"), "old")
      yield* failure(client.downloadFile("msc://flaky/big.bin", join(dir, "got/big.bin")))
      assert.strictEqual(readFileSync(join(dir, "got/big.bin"), "utf8"), "old")
      assert.deepStrictEqual(readdirSync(join(dir, "got")), ["big.bin"])
    }))
})

describe("StorageClient recursive delete of the local root", () => {
  // The local file system is a memory store here, so a broken guard loses nothing real.
  const memoryAsFiles = registryWith([{ ...Memory.factory, type: "file" }])

  it.effect("refuses to empty the whole local file system, and deletes below it", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch(), { registry: memoryAsFiles })
      yield* client.write("/x/a.txt", text("a"))
      yield* client.write("/y.txt", text("y"))
      for (const root of ["/", "file:///", "msc://__filesystem__/"]) {
        const refused = yield* failure(client.delete(root, { recursive: true }))
        assert.strictEqual(refused.reason, "InvalidPath")
        assert.include(refused.message, "root of the local file system")
      }
      assert.deepStrictEqual(yield* keysOf(client, "/"), ["x/a.txt", "y.txt"])
      assert.strictEqual((yield* client.delete("/x", { recursive: true })).deleted, 1)
      assert.deepStrictEqual(yield* keysOf(client, "/"), ["y.txt"])
    }))
})
