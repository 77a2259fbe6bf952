import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { StorageErrorReason } from "../../../src/services/StorageProvider.ts"
import { bytes, listKeys, setup, text } from "./posixFixture.ts"

const reasonOf = <A>(effect: Effect.Effect<A, { readonly reason: StorageErrorReason }>) =>
  Effect.map(Effect.flip(effect), (error) => error.reason)

describe("posix provider: containment", () => {
  it.effect("refuses keys with '..', absolute keys and other unsafe forms", () =>
    Effect.gen(function*() {
      const { p } = yield* setup()
      for (const key of ["../outside/secret.txt", "a/../../outside/secret.txt", "/etc/hostname", "a/./b", "a//b", ".."]) {
        const error = yield* Effect.flip(p.getBytes(key))
        assert.strictEqual(error.reason, "InvalidPath", key)
        assert.include(error.message, key)
        assert.strictEqual(yield* reasonOf(p.put(key, bytes("x"))), "InvalidPath", `put ${key}`)
      }
      yield* Effect.flip(Stream.runDrain(p.list({ prefix: "../outside/" })))
    }))

  it.effect("refuses a symlinked file that leads outside the base, on every operation", () =>
    Effect.gen(function*() {
      const { base, outside, p } = yield* setup()
      symlinkSync(join(outside, "secret.txt"), join(base, "secret-link"))
      if (existsSync("/etc/hostname")) symlinkSync("/etc/hostname", join(base, "hostname"))
      for (const key of existsSync("/etc/hostname") ? ["secret-link", "hostname"] : ["secret-link"]) {
        const error = yield* Effect.flip(p.getBytes(key))
        assert.strictEqual(error.reason, "InvalidPath")
        assert.include(error.message, `'${key}' leads outside the base path`)
        assert.notInclude(error.message, outside, "the target is not disclosed")
        assert.strictEqual(yield* reasonOf(p.head(key)), "InvalidPath")
        assert.strictEqual(yield* reasonOf(Stream.runDrain(p.read(key))), "InvalidPath")
        assert.strictEqual(yield* reasonOf(p.copy(key, "stolen")), "InvalidPath")
        assert.strictEqual(yield* reasonOf(p.put(key, bytes("x"), { ifMatch: "some-etag" })), "InvalidPath", "ifMatch put")
        assert.strictEqual(yield* reasonOf(p.delete(key, { ifMatch: "some-etag" })), "InvalidPath", "ifMatch delete")
      }
      assert.isFalse(existsSync(join(base, "stolen")))
      assert.deepStrictEqual(yield* listKeys(p), [], "escaping links are not listed")
      // A put replaces the link itself; the target outside is untouched.
      yield* p.put("secret-link", bytes("replaced"))
      assert.isFalse(lstatSync(join(base, "secret-link")).isSymbolicLink())
      assert.strictEqual(readFileSync(join(outside, "secret.txt"), "utf8"), "secret")
    }))

  it.effect("refuses a symlinked directory that leads outside the base, writing nothing there", () =>
    Effect.gen(function*() {
      const { base, outside, p } = yield* setup()
      symlinkSync(outside, join(base, "out"))
      assert.strictEqual(yield* reasonOf(p.getBytes("out/secret.txt")), "InvalidPath")
      assert.strictEqual(yield* reasonOf(p.put("out/new.txt", bytes("x"))), "InvalidPath")
      assert.strictEqual(yield* reasonOf(p.put("out/deeper/new.txt", Stream.make(bytes("x")))), "InvalidPath")
      assert.strictEqual(yield* reasonOf(p.delete("out/secret.txt")), "InvalidPath")
      assert.strictEqual(yield* reasonOf(p.copy("inside", "out/copied.txt")), "NotFound")
      yield* p.put("inside", bytes("i"))
      assert.strictEqual(yield* reasonOf(p.copy("inside", "out/copied.txt")), "InvalidPath")
      assert.deepStrictEqual(readdirSync(outside), ["secret.txt"], "nothing was created or removed outside")
      assert.deepStrictEqual(yield* listKeys(p), ["inside"])
      assert.deepStrictEqual(yield* listKeys(p, { prefix: "out/" }), [])
      assert.deepStrictEqual(yield* listKeys(p, { includeDirectories: true }), ["inside"])
    }))

  it.effect("follows symlinks that stay inside the base", () =>
    Effect.gen(function*() {
      const { base, p } = yield* setup()
      yield* p.put("real/data.txt", bytes("data"))
      symlinkSync(join(base, "real"), join(base, "alias"))
      symlinkSync("real/data.txt", join(base, "relative-link"))
      assert.strictEqual(text(yield* p.getBytes("alias/data.txt")), "data")
      assert.strictEqual(text(yield* p.getBytes("relative-link")), "data")
      assert.strictEqual((yield* p.head("relative-link")).etag, (yield* p.head("real/data.txt")).etag)
      yield* p.put("alias/more.txt", bytes("more"))
      assert.strictEqual(readFileSync(join(base, "real/more.txt"), "utf8"), "more")
      yield* p.copy("alias/more.txt", "copied.txt")
      assert.strictEqual(text(yield* p.getBytes("copied.txt")), "more")
    }))

  it.effect("accepts a base path that is itself a symlink", () =>
    Effect.gen(function*() {
      const { base, dir } = yield* setup()
      mkdirSync(join(base, "sub"))
      writeFileSync(join(base, "sub/f.txt"), "f")
      symlinkSync(base, join(dir, "base-link"))
      const { make } = yield* Effect.promise(() => import("../../../src/providers/storage/posix.ts"))
      const p = yield* make({ basePath: join(dir, "base-link") })
      assert.strictEqual(text(yield* p.getBytes("sub/f.txt")), "f")
      yield* p.put("sub/g.txt", bytes("g"))
      assert.deepStrictEqual(yield* listKeys(p), ["sub/f.txt", "sub/g.txt"])
    }))
})
