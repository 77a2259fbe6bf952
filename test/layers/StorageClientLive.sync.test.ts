import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Latch } from "effect"
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ProviderWrap } from "../../src/layers/StorageClientLive.ts"
import { needsCopy } from "../../src/layers/storage/syncPlan.ts"
import { isTempName } from "../../src/providers/storage/posixFs.ts"
import { storageError } from "../../src/services/StorageProvider.ts"
import type { ObjectMetadata, StorageError } from "../../src/services/StorageProvider.ts"
import type { SyncError, SyncEvent } from "../../src/services/StorageSync.ts"
import { decode, keysOf, makeClient, scratch, seed, text, TREE } from "./storageClientHarness.ts"

const file = (size: number, iso: string): ObjectMetadata => ({
  key: "k",
  contentLength: size,
  lastModified: new Date(iso),
  type: "file"
})

/** `f0042.txt` for 42: names that sort as their numbers do. */
const name = (i: number) => `f${String(i).padStart(4, "0")}.txt`

/** The `StorageError` a sync fails with (a `SyncError` is a defect here). */
const failure = <A>(effect: Effect.Effect<A, StorageError | SyncError>) =>
  Effect.flatMap(Effect.flip(effect), (error) => (error._tag === "StorageError" ? Effect.succeed(error) : Effect.die(error)))

/** Puts of keys containing "bad" fail once each, then succeed (a flaky backend). */
const failingOnce = (): ProviderWrap => {
  const failed = new Set<string>()
  return (profile, _config, provider) =>
    Effect.succeed(profile !== "m2" ? provider : {
      ...provider,
      put: (key, body, options) =>
        key.includes("bad") && !failed.has(key)
          ? Effect.sync(() => failed.add(key)).pipe(
            Effect.andThen(Effect.fail(storageError("Unavailable", `The backend dropped the put of '${key}'.`, { key })))
          )
          : provider.put(key, body, options)
    })
}

/** Profile m1 declares a copy queue (2 copies running, 32 queued) and counts the most copies and deletes it had in flight. */
const queueing = () => {
  const most = { copies: 0, deletes: 0 }
  const now = { copies: 0, deletes: 0 }
  const counted = <A, E>(what: "copies" | "deletes", effect: Effect.Effect<A, E>) =>
    Effect.suspend(() => {
      most[what] = Math.max(most[what], ++now[what])
      // Long enough for the sync to start every step it is allowed to.
      return Effect.sleep("2 millis").pipe(Effect.andThen(effect), Effect.ensuring(Effect.sync(() => now[what]--)))
    })
  const wrap: ProviderWrap = (profile, _config, provider) =>
    Effect.succeed(profile !== "m1" ? provider : {
      ...provider,
      capabilities: { ...provider.capabilities, copyQueue: { running: 2, queued: 32 } },
      copy: (source, target) => counted("copies", provider.copy(source, target)),
      delete: (key, options) => counted("deletes", provider.delete(key, options))
    })
  const reset = () => {
    most.copies = 0
    most.deletes = 0
  }
  return { wrap, most, reset }
}

/** The files under `dir`, relative, sorted. */
const walk = (dir: string): Array<string> =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .toSorted()

describe("StorageClient sync", () => {
  it("copies when the size differs or the source is newer, by whole seconds (MSC)", () => {
    assert.isTrue(needsCopy(file(2, "2026-01-01T00:00:00Z"), file(1, "2026-01-01T00:00:09Z")))
    assert.isTrue(needsCopy(file(1, "2026-01-01T00:00:02Z"), file(1, "2026-01-01T00:00:01.900Z")))
    assert.isFalse(needsCopy(file(1, "2026-01-01T00:00:01.900Z"), file(1, "2026-01-01T00:00:01.100Z")))
    assert.isFalse(needsCopy(file(1, "2026-01-01T00:00:01Z"), file(1, "2026-01-01T00:00:05Z")))
  })

  it.effect("syncs across profiles, then skips what is up to date and copies what changed", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const first = yield* client.sync("msc://m1/a", "msc://m2/copy")
      assert.deepStrictEqual([first.copied, first.skipped, first.deleted, first.failed, first.bytes], [3, 0, 0, 0, 3])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/"), ["copy/b.txt", "copy/c/d.txt", "copy/c/e.csv"])
      yield* client.write("msc://m1/a/b.txt", text("bigger"))
      const second = yield* client.sync("msc://m1/a", "msc://m2/copy")
      assert.deepStrictEqual([second.copied, second.skipped], [1, 2])
      assert.strictEqual(decode(yield* client.read("msc://m2/copy/b.txt")), "bigger")
    }))

  it.effect("merges long listings (many chunks of steps) into the right copies, skips and deletes", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      // Source: 0..899; target: the even ones up to date, plus 900..1199 to delete.
      // The target is written last, so its copies are not older than the source.
      yield* seed(client, "m1", Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`s/${name(i)}`, "x"])))
      yield* seed(client, "m2", Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`t/${name(i)}`, "x"]).filter((_, i) => i % 2 === 0 || i >= 900)))
      const summary = yield* client.sync("msc://m1/s", "msc://m2/t", { deleteUnmatched: true, concurrency: 4 })
      assert.deepStrictEqual([summary.copied, summary.skipped, summary.deleted], [450, 450, 300])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/t"), Array.from({ length: 900 }, (_, i) => `t/${name(i)}`))
    }))

  it.effect("syncs within one profile, and refuses directories that contain each other", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const summary = yield* client.sync("msc://m1/a/", "msc://m1/b")
      assert.strictEqual(summary.copied, 3)
      assert.strictEqual(decode(yield* client.read("msc://m1/b/c/d.txt")), "d")
      const nested = yield* failure(client.sync("msc://m1/a", "msc://m1/a/c"))
      assert.strictEqual(nested.reason, "InvalidPath")
      assert.include(nested.message, "one directory contains the other")
      const root = yield* failure(client.sync("msc://m1/", "msc://m1/z"))
      assert.strictEqual(root.reason, "InvalidPath")
    }))

  it.effect("syncs memory to local disk and back, content intact; a rerun copies nothing", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const client = yield* makeClient(dir)
      yield* seed(client, "m1", TREE)
      yield* client.sync("msc://m1/", "msc://disk/tree")
      assert.strictEqual(readFileSync(join(dir, "disk/tree/a/c/e.csv"), "utf8"), "e")
      const again = yield* client.sync("msc://m1/", "msc://disk/tree")
      assert.deepStrictEqual([again.copied, again.skipped], [0, 6])
      yield* client.sync("msc://disk/tree", "msc://m2/")
      assert.strictEqual(decode(yield* client.read("msc://m2/a-b/x.txt")), "x")
      assert.strictEqual((yield* client.sync("msc://disk/tree", "msc://m2/")).copied, 0)
    }))

  it.effect("copies a same-size file whose source is newer (posix mtimes)", () =>
    Effect.gen(function*() {
      const dir = scratch()
      mkdirSync(join(dir, "disk/src"))
      writeFileSync(join(dir, "disk/src/f.txt"), "one")
      const client = yield* makeClient(dir)
      yield* client.sync("msc://disk/src", "msc://disk/dst")
      writeFileSync(join(dir, "disk/src/f.txt"), "two")
      const later = new Date(Date.now() + 10_000)
      utimesSync(join(dir, "disk/src/f.txt"), later, later)
      assert.strictEqual((yield* client.sync("msc://disk/src", "msc://disk/dst")).copied, 1)
      assert.strictEqual(readFileSync(join(dir, "disk/dst/f.txt"), "utf8"), "two")
    }))

  it.effect("skips hidden keys on both sides unless asked", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", { "d/.env": "secret", "d/.git/HEAD": "ref", "d/ok.txt": "ok" })
      yield* seed(client, "m2", { "out/.keep": "mine" })
      yield* client.sync("msc://m1/d", "msc://m2/out", { deleteUnmatched: true })
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/out"), ["out/.keep", "out/ok.txt"])
      const all = yield* client.sync("msc://m1/d", "msc://m2/out", { includeHidden: true, deleteUnmatched: true })
      assert.deepStrictEqual([all.copied, all.deleted], [2, 1])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/out"), ["out/.env", "out/.git/HEAD", "out/ok.txt"])
    }))

  it.effect("applies include/exclude in order, the last match winning; * crosses /", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      yield* client.sync("msc://m1/", "msc://m2/a", {
        patterns: [{ kind: "exclude", glob: "a/*" }, { kind: "include", glob: "*.csv" }]
      })
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/a"), ["a/a-b/x.txt", "a/a.txt", "a/a/c/e.csv", "a/z.bin"])
      yield* client.sync("msc://m1/", "msc://m2/b", {
        patterns: [{ kind: "include", glob: "*.csv" }, { kind: "exclude", glob: "a/*" }]
      })
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/b"), ["b/a-b/x.txt", "b/a.txt", "b/z.bin"])
      // Only includes: everything else is out.
      yield* client.sync("msc://m1/", "msc://m2/c", { patterns: [{ kind: "include", glob: "?.txt" }] })
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/c"), ["c/a.txt"])
    }))

  it.effect("deletes unmatched target files, but never those an exclude pattern matches", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", { "src/keep.txt": "k" })
      yield* seed(client, "m2", { "dst/old.txt": "o", "dst/logs/run.log": "l", "dst/keep.txt": "k" })
      const summary = yield* client.sync("msc://m1/src", "msc://m2/dst", {
        deleteUnmatched: true,
        patterns: [{ kind: "exclude", glob: "*.log" }]
      })
      assert.deepStrictEqual([summary.deleted, summary.copied, summary.skipped], [1, 0, 1])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/dst"), ["dst/keep.txt", "dst/logs/run.log"])
    }))

  it.effect("a dry run reports the plan and changes nothing", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      yield* seed(client, "m2", { "t/stale.txt": "s", "t/a.txt": "top" })
      const events: Array<SyncEvent> = []
      const summary = yield* client.sync("msc://m1/", "msc://m2/t", {
        dryRun: true,
        deleteUnmatched: true,
        onEvent: (event) => events.push(event)
      })
      assert.deepStrictEqual([summary.dryRun, summary.copied, summary.deleted, summary.skipped], [true, 5, 1, 1])
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/t"), ["t/a.txt", "t/stale.txt"])
      const planned = events.filter((event) => event._tag === "Planned").map((event) => `${event.action} ${event.url}`)
      assert.include(planned, "delete msc://m2/t/stale.txt")
      assert.include(planned, "copy msc://m2/t/a/c/e.csv")
    }))

  it.effect("reports the files whose puts failed, syncs the others; a rerun finishes", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch(), { wrap: failingOnce() })
      yield* seed(client, "m1", { "s/bad-1.txt": "1", "s/good.txt": "2", "s/x/bad-2.txt": "3" })
      const error = yield* Effect.flip(client.sync("msc://m1/s", "msc://m2/t"))
      assert.strictEqual(error._tag, "SyncError")
      if (error._tag !== "SyncError") return
      assert.deepStrictEqual(error.failures.map((f) => f.url).toSorted(), ["msc://m2/t/bad-1.txt", "msc://m2/t/x/bad-2.txt"])
      assert.strictEqual(error.failures[0]!.reason, "Unavailable")
      assert.deepStrictEqual([error.summary.copied, error.summary.failed], [1, 2])
      assert.include(error.message, "2 of 3 files failed")
      assert.deepStrictEqual(yield* keysOf(client, "msc://m2/t"), ["t/good.txt"])
      const rerun = yield* client.sync("msc://m1/s", "msc://m2/t")
      assert.deepStrictEqual([rerun.copied, rerun.skipped], [2, 1])
    }))

  it.effect("refuses a file or a missing path as the source, and a file as the target", () =>
    Effect.gen(function*() {
      const client = yield* makeClient(scratch())
      yield* seed(client, "m1", TREE)
      const single = yield* failure(client.sync("msc://m1/a.txt", "msc://m2/x"))
      assert.strictEqual(single.reason, "InvalidPath")
      assert.include(single.message, "msc://m1/a.txt is a file")
      const missing = yield* failure(client.sync("msc://m1/nothing", "msc://m2/x"))
      assert.strictEqual(missing.reason, "NotFound")
      yield* seed(client, "m2", { "f.txt": "f" })
      const onFile = yield* failure(client.sync("msc://m1/a", "msc://m2/f.txt"))
      assert.include(onFile.message, "msc://m2/f.txt is a file")
    }))

  it.live("keeps a provider's copy queue full when the concurrency is at least the copies it runs, bounded by bytes", () =>
    Effect.gen(function*() {
      const { most, reset, wrap } = queueing()
      const client = yield* makeClient(scratch(), { wrap })
      yield* seed(client, "m1", Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`s/${name(i)}`, "x"])))
      assert.strictEqual((yield* client.sync("msc://m1/s", "msc://m1/t", { concurrency: 4 })).copied, 100)
      assert.strictEqual(most.copies, 32, "the queue the provider asked for, not the concurrency")
      reset()
      yield* client.sync("msc://m1/s", "msc://m1/u", { concurrency: 1 })
      assert.strictEqual(most.copies, 1, "a concurrency below the copies the provider runs bounds them")
      reset()
      yield* seed(client, "m1", Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t/stale-${i}`, "old"])))
      const deleted = yield* client.sync("msc://m1/s", "msc://m1/t", { concurrency: 4, deleteUnmatched: true })
      assert.deepStrictEqual([deleted.deleted, deleted.skipped], [20, 100])
      assert.strictEqual(most.deletes, 4, "deletes stay within the concurrency")
      reset()
      const large = new Uint8Array(4 * 1024 * 1024)
      yield* Effect.forEach([0, 1, 2, 3, 4, 5], (i) => client.write(`msc://m1/big/${i}.bin`, large), { discard: true })
      yield* client.sync("msc://m1/big", "msc://m1/big-copy", { concurrency: 2 })
      assert.strictEqual(most.copies, 2, "large files queue no deeper than the concurrency")
    }))

  it.live("an interrupted sync within a local profile leaves no partial or temporary file; a rerun finishes it", () =>
    Effect.gen(function*() {
      const dir = scratch()
      const source = join(dir, "src")
      const target = join(dir, "dst")
      // More files than the copy threads queue (256), so an interrupt finds some not yet started.
      for (let i = 0; i < 800; i++) {
        mkdirSync(join(source, `d${i % 6}`), { recursive: true })
        writeFileSync(join(source, `d${i % 6}`, name(i)), Buffer.alloc(16 * 1024, i % 251))
      }
      for (let i = 0; i < 4; i++) writeFileSync(join(source, `large-${i}.bin`), Buffer.alloc(3 * 1024 * 1024, i + 1))
      const files = walk(source)
      const client = yield* makeClient(dir)
      let copied = 0
      const started = Latch.makeUnsafe(false)
      const fiber = yield* Effect.forkChild(client.sync(source, target, {
        onEvent: (event) => {
          if (event._tag === "Copied" && ++copied === 20) started.openUnsafe()
        }
      }))
      yield* started.await
      yield* Fiber.interrupt(fiber)
      const left = walk(target)
      assert.deepStrictEqual(left.filter((path) => isTempName(path.slice(path.lastIndexOf("/") + 1))), [], "no temporary file")
      assert.isBelow(left.length, files.length, "interrupted before the end")
      for (const path of left) assert.isTrue(readFileSync(join(target, path)).equals(readFileSync(join(source, path))), path)
      const rerun = yield* client.sync(source, target)
      assert.deepStrictEqual([rerun.copied, rerun.skipped], [files.length - left.length, left.length])
      assert.deepStrictEqual(walk(target), files)
      for (const path of files) assert.isTrue(readFileSync(join(target, path)).equals(readFileSync(join(source, path))), path)
    }))
})
