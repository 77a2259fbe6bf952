import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as fsp from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import { releaseLock, tryLock, withFileLock } from "../../../src/layers/readcache/lockFile.ts"
import { tempDir } from "./support.ts"

/** A pid no process has (pids are below 2^22 on Linux). */
const DEAD_PID = 4_194_304 + 17

describe("lock files", () => {
  it.effect("one holder at a time; released locks can be taken again", () =>
    Effect.gen(function*() {
      const path = join(yield* tempDir, "x.lock")
      const first = yield* Effect.promise(() => tryLock(path))
      assert.isDefined(first)
      assert.isUndefined(yield* Effect.promise(() => tryLock(path)))
      yield* Effect.promise(() => releaseLock(first!))
      assert.isDefined(yield* Effect.promise(() => tryLock(path)))
    }))

  it.effect("breaks a lock whose process is gone, and one nobody refreshed", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const dead = join(dir, "dead.lock")
      yield* Effect.promise(() => fsp.writeFile(dead, `${hostname()} ${DEAD_PID} 1-0`))
      assert.isDefined(yield* Effect.promise(() => tryLock(dead)))

      const old = join(dir, "old.lock")
      yield* Effect.promise(async () => {
        await fsp.writeFile(old, `another-host 1 1-0`)
        const past = new Date(Date.now() - 60_000)
        await fsp.utimes(old, past, past)
      })
      assert.isDefined(yield* Effect.promise(() => tryLock(old, 30_000)))

      const live = join(dir, "live.lock")
      yield* Effect.promise(() => fsp.writeFile(live, `another-host 1 1-0`))
      assert.isUndefined(yield* Effect.promise(() => tryLock(live, 30_000)))
    }))

  it.effect("a holder does not remove a lock someone else took over", () =>
    Effect.gen(function*() {
      const path = join(yield* tempDir, "x.lock")
      const mine = (yield* Effect.promise(() => tryLock(path)))!
      yield* Effect.promise(() => fsp.writeFile(path, "someone else"))
      yield* Effect.promise(() => releaseLock(mine))
      assert.strictEqual(yield* Effect.promise(() => fsp.readFile(path, "utf8")), "someone else")
    }))

  it.live("withFileLock waits for the holder, then goes on without the lock when the wait runs out", () =>
    Effect.gen(function*() {
      const path = join(yield* tempDir, "x.lock")
      const held = (yield* Effect.promise(() => tryLock(path)))!
      setTimeout(() => void releaseLock(held), 50)
      assert.isTrue(yield* withFileLock(path, { waitMillis: 5_000 }, (lock) => Effect.succeed(lock !== undefined)))
      yield* Effect.promise(() => tryLock(path))
      assert.isFalse(yield* withFileLock(path, { waitMillis: 30 }, (lock) => Effect.succeed(lock !== undefined)))
    }))
})

describe("waiting for a lock", () => {
  // Under the TestClock the wait never ends by itself: only an interruptible wait lets the interrupt through.
  it.effect("can be interrupted, and leaves the holder's lock alone", () =>
    Effect.gen(function*() {
      const path = join(yield* tempDir, "x.lock")
      const held = (yield* Effect.promise(() => tryLock(path)))!
      let ran = false
      const waiting = yield* Effect.forkChild(
        withFileLock(path, { waitMillis: 60_000 }, () => Effect.sync(() => (ran = true)))
      )
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      yield* Fiber.interrupt(waiting)
      assert.isFalse(ran)
      assert.strictEqual(yield* Effect.promise(() => fsp.readFile(path, "utf8")), held.token)
    }), { timeout: 10_000 })
})
