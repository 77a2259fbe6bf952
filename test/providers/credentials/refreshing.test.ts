import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { refreshing } from "../../../src/providers/credentials/refreshing.ts"
import { CredentialsError } from "../../../src/services/Credentials.ts"
import type { Credentials, CredentialsProviderShape } from "../../../src/services/Credentials.ts"

const MINUTE = 60_000

/**
 * A source that counts its refreshes; each refresh issues credentials named
 * `key-<n>` that expire `lifetime` ms after the (test) clock's now. A refresh
 * takes a second of clock time, so concurrent callers really overlap.
 */
const countingSource = (lifetime: number) =>
  Effect.gen(function*() {
    const state = { refreshes: 0, gets: 0, current: undefined as Credentials | undefined }
    const issue = Effect.map(Effect.clockWith((clock) => Effect.succeed(clock.currentTimeMillisUnsafe())), (now) => {
      state.current = {
        accessKey: Redacted.make(`key-${state.refreshes}`),
        secretKey: Redacted.make("secret"),
        expiration: new Date(now + lifetime)
      }
    })
    yield* issue
    const source: CredentialsProviderShape = {
      get: Effect.sync(() => {
        state.gets++
        return state.current!
      }),
      refresh: Effect.andThen(Effect.sleep("1 second"), Effect.suspend(() => {
        state.refreshes++
        return issue
      }))
    }
    return { state, source }
  })

const keyOf = (credentials: Credentials) => Redacted.value(credentials.accessKey)

describe("refreshing credentials", () => {
  it.effect("serves cached credentials until they come within renewBefore of expiry", () =>
    Effect.gen(function*() {
      const { source, state } = yield* countingSource(10 * MINUTE)
      const provider = yield* refreshing(source, { renewBefore: "5 minutes" })
      assert.strictEqual(keyOf(yield* provider.get), "key-0")
      yield* TestClock.adjust(4 * MINUTE)
      assert.strictEqual(keyOf(yield* provider.get), "key-0")
      assert.strictEqual(state.refreshes, 0)
      assert.strictEqual(state.gets, 1, "the source is asked once while the credentials are fresh")
      yield* TestClock.adjust(2 * MINUTE) // 4 minutes before expiry: inside the margin
      const renewal = yield* Effect.forkChild(provider.get)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(keyOf(yield* Fiber.join(renewal)), "key-1")
      assert.strictEqual(state.refreshes, 1)
    }))

  it.effect("shares one renewal among concurrent callers", () =>
    Effect.gen(function*() {
      const { source, state } = yield* countingSource(10 * MINUTE)
      const provider = yield* refreshing(source)
      yield* provider.get
      yield* TestClock.adjust(9 * MINUTE)
      const callers = yield* Effect.forkChild(Effect.all(Array.from({ length: 20 }, () => provider.get), { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(callers)
      assert.deepStrictEqual(new Set(results.map(keyOf)), new Set(["key-1"]))
      assert.strictEqual(state.refreshes, 1)
      const refreshers = yield* Effect.forkChild(Effect.all(Array.from({ length: 5 }, () => provider.refresh), { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(refreshers)
      assert.strictEqual(state.refreshes, 2, "concurrent explicit refreshes share one too")
    }))

  it.effect("renews credentials that are already within the margin on first use", () =>
    Effect.gen(function*() {
      const { source, state } = yield* countingSource(2 * MINUTE)
      const provider = yield* refreshing(source, { renewBefore: "1 minute" })
      yield* TestClock.adjust(90_000)
      const first = yield* Effect.forkChild(provider.get)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(keyOf(yield* Fiber.join(first)), "key-1")
      assert.strictEqual(state.refreshes, 1)
    }))

  it.effect("fails with Expired when the source renews to credentials that expired already", () =>
    Effect.gen(function*() {
      const { source } = yield* countingSource(-MINUTE)
      const provider = yield* refreshing(source)
      const attempt = yield* Effect.forkChild(Effect.flip(provider.get))
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(attempt)
      assert.instanceOf(error, CredentialsError)
      assert.strictEqual(error.reason, "Expired")
    }))
})
