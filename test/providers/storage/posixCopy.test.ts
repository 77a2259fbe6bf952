import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Posix from "../../../src/providers/storage/posix.ts"
import { makeCopyPool } from "../../../src/providers/storage/posixCopyPool.ts"
import type { StorageErrorReason } from "../../../src/services/StorageProvider.ts"
import { filesOnDisk, scratchDir, seed, setup } from "./posixFixture.ts"

/** Several copies at once: the provider hands them to its copy threads (on Linux). */
const inBulk = <A, E>(effects: ReadonlyArray<Effect.Effect<A, E>>) =>
  Effect.all(effects.map((effect) => Effect.result(effect)), { concurrency: 16 })

const reasonOf = (result: { readonly _tag: string; readonly failure?: { readonly reason: StorageErrorReason } }) =>
  result._tag === "Failure" ? result.failure!.reason : "copied"

const hasProc = existsSync("/proc/self/fd")

describe("posix provider: copies in bulk", () => {
  it.effect("copies many files into new nested directories, with the metadata head sees, leaving no temporary file", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      const keys = Array.from({ length: 40 }, (_, i) => `src/part-${i % 3}/file-${i}.bin`)
      seed(base, keys)
      const results = yield* inBulk(keys.map((key) => p.copy(key, key.replace("src/", "dst/deep/"))))
      for (const [i, result] of results.entries()) {
        assert.strictEqual(result._tag, "Success", keys[i])
        if (result._tag !== "Success") continue
        const head = yield* p.head(result.success.key)
        assert.strictEqual(result.success.etag, head.etag)
        assert.strictEqual(result.success.contentLength, keys[i]!.length)
        assert.strictEqual(readFileSync(join(base, result.success.key), "utf8"), keys[i])
      }
      assert.deepStrictEqual(filesOnDisk(join(base, "dst")), keys.map((key) => key.replace("src/", "deep/")).toSorted())
    }))

  it.effect("copies a file larger than a thread's buffer whole, and keeps the source's mode", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      const big = new Uint8Array(2.5 * 1024 * 1024 + 7).map((_, i) => (i * 13) & 0xff)
      writeFileSync(join(base, "first"), "the first of several copies runs alone, the others in threads")
      writeFileSync(join(base, "big.bin"), big)
      writeFileSync(join(base, "run.sh"), "#!/bin/sh\n")
      chmodSync(join(base, "run.sh"), 0o775) // past a usual umask of 022, which creating the file alone would cut
      const results = yield* inBulk([p.copy("first", "out/first"), p.copy("big.bin", "out/big.bin"), p.copy("run.sh", "out/run.sh")])
      assert.deepStrictEqual(results.map(reasonOf), ["copied", "copied", "copied"])
      assert.deepStrictEqual(new Uint8Array(readFileSync(join(base, "out/big.bin"))), big)
      assert.strictEqual(statSync(join(base, "out/run.sh")).mode & 0o7777, 0o775)
    }))

  it.effect("refuses sources and target directories that lead outside the base, writing nothing there", () =>
    Effect.gen(function*() {
      const { base, outside, p } = yield* setup()
      seed(base, ["ok-1", "ok-2", "ok-3"])
      symlinkSync(join(outside, "secret.txt"), join(base, "secret-link"))
      symlinkSync(outside, join(base, "out"))
      mkdirSync(join(base, "dir"))
      const results = yield* inBulk([
        p.copy("ok-1", "copies/ok-1"),
        p.copy("secret-link", "copies/stolen"),
        p.copy("ok-2", "out/planted"),
        p.copy("ok-3", "out/deeper/planted"),
        p.copy("dir", "copies/dir"),
        p.copy("missing", "copies/missing"),
        p.copy("ok-2", "ok-1/below-a-file"),
        p.copy("ok-3", "copies")
      ])
      assert.deepStrictEqual(results.map(reasonOf), [
        "copied",
        "InvalidPath",
        "InvalidPath",
        "InvalidPath",
        "NotFound",
        "NotFound",
        "InvalidPath",
        "InvalidPath"
      ])
      assert.deepStrictEqual(readdirSync(outside), ["secret.txt"])
      assert.deepStrictEqual(filesOnDisk(join(base, "copies")), ["ok-1"])
    }))

  it.effect("keeps working after the provider's scope closed (without threads)", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      const scope = yield* Scope.make()
      const p = yield* Posix.make({ basePath: dir }).pipe(Scope.provide(scope))
      seed(dir, ["a", "b"])
      yield* inBulk([p.copy("a", "x/a"), p.copy("b", "x/b")])
      yield* Scope.close(scope, Exit.void)
      const after = yield* inBulk([p.copy("a", "y/a"), p.copy("b", "y/b")])
      assert.deepStrictEqual(after.map(reasonOf), ["copied", "copied"])
      assert.deepStrictEqual(filesOnDisk(dir), ["a", "b", "x/a", "x/b", "y/a", "y/b"])
    }))
})

describe.skipIf(!hasProc)("posix copy threads", () => {
  it.effect("close waits for the copies in flight, then later copies are refused", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      mkdirSync(join(dir, "to"))
      const names = Array.from({ length: 50 }, (_, i) => `f${i}`)
      for (const name of names) writeFileSync(join(dir, name), name)
      const pool = makeCopyPool(2)
      const copies = names.map((name) =>
        pool.copy(dir, { source: join(dir, name), dir: join(dir, "to"), temp: `.${name}.tmp`, name }))
      yield* Effect.promise(() => pool.close())
      const results = yield* Effect.promise(() => Promise.all(copies))
      assert.isTrue(results.every((result) => result.outcome === "copied"))
      assert.deepStrictEqual(readdirSync(join(dir, "to")).toSorted(), names.toSorted())
      assert.isFalse(pool.wanted(100))
      const refused = yield* Effect.promise(() =>
        pool.copy(dir, { source: join(dir, "f0"), dir: join(dir, "to"), temp: ".late.tmp", name: "late" }).then(
          () => "copied",
          (error: Error) => error.message
        ))
      assert.include(refused, "shut down")
    }))

  it.effect("says which step failed, and removes the temporary file of a failed rename", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      mkdirSync(join(dir, "to"))
      mkdirSync(join(dir, "to", "taken"))
      writeFileSync(join(dir, "to", "taken", "child"), "x")
      writeFileSync(join(dir, "f"), "f")
      writeFileSync(join(dir, "to", ".clash.tmp"), "x")
      const pool = makeCopyPool(1)
      yield* Effect.addFinalizer(() => Effect.promise(() => pool.close()))
      const job = (dirName: string, temp: string, name: string) =>
        Effect.promise(() => pool.copy(dir, { source: join(dir, "f"), dir: join(dir, dirName), temp, name }))
      assert.strictEqual((yield* job("to", ".clash.tmp", "x")).outcome, "tempExists")
      assert.strictEqual((yield* job("nowhere", ".t1", "x")).outcome, "dirMissing")
      assert.strictEqual((yield* job("to", ".t2", "taken")).outcome, "publish")
      assert.strictEqual((yield* Effect.promise(() => pool.copy(join(dir, "to"), {
        source: join(dir, "f"),
        dir: join(dir, "to"),
        temp: ".t3",
        name: "y"
      }))).outcome, "sourceEscapes")
      assert.deepStrictEqual(readdirSync(join(dir, "to")).toSorted(), [".clash.tmp", "taken"])
    }))

  it.effect("a thread that cannot start fails its copies and turns the pool off", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir
      writeFileSync(join(dir, "f"), "f")
      const pool = makeCopyPool(1, new URL("file:///nonexistent/posixCopyWorker.js"))
      yield* Effect.addFinalizer(() => Effect.promise(() => pool.close()))
      assert.isTrue(pool.wanted(2))
      const failed = yield* Effect.promise(() =>
        pool.copy(dir, { source: join(dir, "f"), dir, temp: ".t", name: "g" }).then(
          () => "copied",
          (error: Error) => error.message
        ))
      assert.include(failed, "A copy thread of the posix provider stopped")
      assert.isFalse(pool.wanted(100))
      assert.deepStrictEqual(readdirSync(dir), ["f"])
    }))
})
