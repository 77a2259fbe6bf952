import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { createHash } from "node:crypto"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as DiskCache from "../../../src/providers/cache/disk.ts"
import { Cache } from "../../../src/services/Cache.ts"
import { testCache } from "../../../src/testing/CacheSuite.ts"

const scratchDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "strata-disk-cache-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)
const text = (value: string) => new TextEncoder().encode(value)
const fileOf = (dir: string, key: string) => {
  const name = createHash("sha256").update(key, "utf8").digest("hex")
  return join(dir, name.slice(0, 2), name)
}
/** Every file under `dir`, as paths relative to it. */
const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .toSorted()

testCache(
  "disk",
  Layer.effect(Cache, Effect.flatMap(scratchDir, (directory) => DiskCache.make({ directory, maxValueBytes: 2 * 1024 * 1024 }))),
  { maxValueBytes: 2 * 1024 * 1024 }
)

describe("DiskCache", () => {
  it.effect("keeps one file per key at <hh>/<sha256>, starting with the STRC header and the key", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const cache = yield* DiskCache.make({ directory })
      yield* cache.set("a key", text("value"))
      const path = fileOf(directory, "a key")
      assert.deepStrictEqual(filesUnder(directory), [path.slice(directory.length + 1)])
      const file = readFileSync(path)
      assert.strictEqual(file.toString("latin1", 0, 4), "STRC")
      assert.strictEqual(file.toString("utf8", 28, 33), "a key")
      assert.strictEqual(file.toString("utf8", 33), "value")
    }))

  it.effect("survives re-opening the directory, TTLs included", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const first = yield* DiskCache.make({ directory })
      yield* first.set("forever", text("f"))
      yield* first.set("short", text("s"), { ttl: "1 minute" })
      const second = yield* DiskCache.make({ directory })
      assert.deepStrictEqual(yield* second.get("forever"), Option.some(text("f")))
      assert.deepStrictEqual(yield* second.get("short"), Option.some(text("s")))
      yield* TestClock.adjust("2 minutes")
      const third = yield* DiskCache.make({ directory })
      assert.isTrue(Option.isNone(yield* third.get("short")), "the stored expiry still applies")
      assert.deepStrictEqual(yield* third.get("forever"), Option.some(text("f")))
    }))

  it.effect("treats truncated, garbled and foreign files as misses and removes them", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const cache = yield* DiskCache.make({ directory })
      for (const key of ["truncated", "garbled", "foreign", "deleted"]) yield* cache.set(key, text(`value of ${key}`))
      const truncated = fileOf(directory, "truncated")
      writeFileSync(truncated, readFileSync(truncated).subarray(0, 35))
      const garbled = fileOf(directory, "garbled")
      const bytes = readFileSync(garbled)
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1)
      writeFileSync(garbled, bytes)
      writeFileSync(fileOf(directory, "foreign"), "not a cache file at all")
      writeFileSync(fileOf(directory, "deleted"), "")
      assert.isTrue(Option.isNone(yield* cache.get("truncated")))
      assert.isFalse(existsSync(truncated), "a truncated file is removed")
      assert.strictEqual((yield* cache.getMany(["garbled", "foreign"])).size, 0)
      assert.isFalse(existsSync(garbled), "a garbled file is removed")
      assert.isFalse(yield* cache.delete("deleted"), "an empty file did not exist")
      assert.isFalse(yield* cache.touch("foreign", "1 minute"))
      assert.deepStrictEqual(filesUnder(directory), [])
      yield* cache.set("truncated", text("again"))
      assert.deepStrictEqual(yield* cache.get("truncated"), Option.some(text("again")))
    }))

  it.effect("a file holding another key (a hash collision) is a miss and is left alone", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const cache = yield* DiskCache.make({ directory })
      yield* cache.set("mine", text("mine"))
      yield* cache.set("theirs", text("placeholder"))
      writeFileSync(fileOf(directory, "theirs"), readFileSync(fileOf(directory, "mine")))
      assert.isTrue(Option.isNone(yield* cache.get("theirs")))
      assert.isFalse(yield* cache.delete("theirs"))
      assert.isTrue(existsSync(fileOf(directory, "theirs")))
    }))

  it.effect("evicts the least recently used files beyond maxBytes", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const fileSize = 28 + 1 + 1000 // header + one-letter key + value
      const cache = yield* DiskCache.make({ directory, maxBytes: 10 * fileSize })
      const keys = "abcdefghij".split("")
      for (const key of keys) yield* cache.set(key, new Uint8Array(1000))
      assert.strictEqual(filesUnder(directory).length, 10, "ten files fit")
      yield* cache.get("a") // now the most recently used
      yield* cache.set("k", new Uint8Array(1000))
      const present = [...(yield* cache.getMany([...keys, "k"])).keys()].toSorted()
      assert.deepStrictEqual(present, ["a", "c", "d", "e", "f", "g", "h", "i", "j", "k"])
      assert.strictEqual(filesUnder(directory).length, 10)
      // A fresh instance indexes the files at start and keeps the bound.
      const reopened = yield* DiskCache.make({ directory, maxBytes: 5 * fileSize })
      assert.strictEqual(filesUnder(directory).length, 5)
      yield* reopened.set("l", new Uint8Array(1000))
      assert.strictEqual(filesUnder(directory).length, 5)
      assert.isTrue(Option.isSome(yield* reopened.get("l")))
    }))

  it.effect("writes atomically: no temporary files are left behind", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const cache = yield* DiskCache.make({ directory })
      const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`)
      yield* Effect.forEach(keys, (key) => cache.set(key, text(key)), { concurrency: 16 })
      yield* Effect.forEach(keys, (key) => cache.set(key, text(`${key} again`)), { concurrency: 16 })
      yield* cache.setMany(keys.map((key) => [key, text("many")] as const), { ttl: "1 hour" })
      yield* Effect.forEach(keys, (key) => cache.touch(key, "2 hours"), { concurrency: 16 })
      const files = filesUnder(directory)
      assert.strictEqual(files.length, 50)
      for (const file of files) assert.match(file, /^[0-9a-f]{2}\/[0-9a-f]{64}$/)
      assert.strictEqual((yield* cache.getMany(keys)).size, 50)
    }))

  it.effect("touch rewrites the expiry", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const cache = yield* DiskCache.make({ directory })
      yield* cache.set("k", text("v"), { ttl: "1 minute" })
      assert.isTrue(yield* cache.touch("k", "10 minutes"))
      const reopened = yield* DiskCache.make({ directory })
      yield* TestClock.adjust("5 minutes")
      assert.deepStrictEqual(yield* reopened.get("k"), Option.some(text("v")), "the new expiry is on disk")
    }))

  it.effect("two instances over one directory see each other's writes", () =>
    Effect.gen(function*() {
      const directory = yield* scratchDir
      const a = yield* DiskCache.make({ directory })
      const b = yield* DiskCache.make({ directory })
      yield* a.set("shared", text("from a"))
      assert.deepStrictEqual(yield* b.get("shared"), Option.some(text("from a")))
      yield* b.set("shared", text("from b"))
      assert.deepStrictEqual(yield* a.get("shared"), Option.some(text("from b")))
      assert.isTrue(yield* a.delete("shared"))
      assert.isTrue(Option.isNone(yield* b.get("shared")))
    }))

  it.effect("a directory that cannot be opened is Unavailable, naming it", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      const notADirectory = join(dir, "file")
      writeFileSync(notADirectory, "x")
      const error = yield* Effect.flip(DiskCache.make({ directory: notADirectory }))
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, notADirectory)
    }))
})
