import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { createClient } from "redis"
import * as RedisCache from "../../../src/providers/cache/redis.ts"
import type { CacheError } from "../../../src/services/Cache.ts"
import { testCache } from "../../../src/testing/CacheSuite.ts"
import { describeRedis, freePort, startRedisServer } from "../../support/redisServer.ts"

const bytes = (...values: ReadonlyArray<number>) => Uint8Array.from(values)

/** The failure of an effect that must fail with a CacheError. */
const failure = <A>(effect: Effect.Effect<A, CacheError>) =>
  Effect.flatMap(Effect.flip(effect), (error) => Effect.succeed(error))

/** Calls of one Redis command so far, from `INFO commandstats`. */
const commandCalls = (url: string, command: string) =>
  Effect.promise(async () => {
    const client = createClient({ url })
    await client.connect()
    const info = String(await client.info("commandstats"))
    client.destroy()
    const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)
    return match === null ? 0 : Number(match[1])
  })

describeRedis("RedisCache", (server) => {
  testCache("redis", Layer.unwrap(Effect.sync(() => RedisCache.layer({ url: server().url, keyPrefix: "suite:", maxValueBytes: 2 * 1024 * 1024 }))), {
    realTime: true,
    maxValueBytes: 2 * 1024 * 1024
  })

  it.live("getMany of 100 keys is one MGET round trip", () =>
    Effect.gen(function*() {
      const cache = yield* RedisCache.make({ url: server().url })
      const keys = Array.from({ length: 100 }, (_, i) => `mget-${i}`)
      yield* cache.setMany(keys.map((key, i) => [key, bytes(i)] as const))
      const before = yield* commandCalls(server().url, "mget")
      const got = yield* cache.getMany([...keys, "mget-missing"])
      const after = yield* commandCalls(server().url, "mget")
      assert.strictEqual(after - before, 1)
      assert.strictEqual(got.size, 100)
      assert.deepStrictEqual(got.get("mget-42"), bytes(42))
      yield* cache.deleteMany(keys)
    }).pipe(Effect.scoped))

  it.live("round trips binary values and returns plain Uint8Array views", () =>
    Effect.gen(function*() {
      const cache = yield* RedisCache.make({ url: server().url })
      const value = Uint8Array.from({ length: 256 }, (_, i) => i)
      yield* cache.set("binary", value)
      const got = yield* cache.get("binary")
      assert.isTrue(Option.isSome(got))
      if (Option.isSome(got)) assert.deepStrictEqual(new Uint8Array(got.value), value)
      // An offset view (a subarray) is stored as exactly its bytes.
      yield* cache.set("view", value.subarray(10, 20))
      assert.deepStrictEqual((yield* cache.get("view")).pipe(Option.map((v) => [...v])), Option.some([...value.subarray(10, 20)]))
    }).pipe(Effect.scoped))

  it.live("a key prefix isolates caches on the same server", () =>
    Effect.gen(function*() {
      const a = yield* RedisCache.make({ url: server().url, keyPrefix: "app-a:" })
      const b = yield* RedisCache.make({ url: server().url, keyPrefix: "app-b:" })
      yield* a.set("shared", bytes(1))
      assert.isTrue(Option.isNone(yield* b.get("shared")))
      yield* b.set("shared", bytes(2))
      assert.deepStrictEqual(yield* a.get("shared"), Option.some(bytes(1)))
      assert.isTrue(yield* b.delete("shared"))
      assert.deepStrictEqual(yield* a.get("shared"), Option.some(bytes(1)))
      const raw = yield* Effect.promise(async () => {
        const client = createClient({ url: server().url })
        await client.connect()
        const value = await client.get("app-a:shared")
        client.destroy()
        return value
      })
      assert.strictEqual(raw, "\u0001")
    }).pipe(Effect.scoped))

  it.live("a key of another Redis type is Corrupt", () =>
    Effect.gen(function*() {
      const cache = yield* RedisCache.make({ url: server().url })
      yield* Effect.promise(async () => {
        const client = createClient({ url: server().url })
        await client.connect()
        await client.del("a-list")
        await client.lPush("a-list", "x")
        client.destroy()
      })
      const error = yield* failure(cache.get("a-list"))
      assert.strictEqual(error.reason, "Corrupt")
      assert.include(error.message, "a-list")
    }).pipe(Effect.scoped))

  it.live("a server killed mid-test gives Unavailable, not a hang", () =>
    Effect.gen(function*() {
      const own = yield* Effect.acquireRelease(Effect.promise(startRedisServer), (s) => Effect.promise(s.stop))
      const cache = yield* RedisCache.make({ url: own.url, commandTimeout: 1000 })
      yield* cache.set("k", bytes(1))
      yield* Effect.promise(own.kill)
      for (const effect of [cache.get("k"), cache.set("k", bytes(2)), cache.getMany(["k"]), cache.touch("k", 1000)]) {
        const error = yield* failure(effect as Effect.Effect<unknown, CacheError>)
        assert.strictEqual(error.reason, "Unavailable")
        assert.include(error.message, own.url)
        assert.include(error.message, "'k'")
      }
    }).pipe(Effect.scoped), 20_000)

  it.live("a server that stops answering gives Unavailable after the command timeout", () =>
    Effect.gen(function*() {
      const own = yield* Effect.acquireRelease(Effect.promise(startRedisServer), (s) => Effect.promise(s.stop))
      const cache = yield* RedisCache.make({ url: own.url, commandTimeout: 300 })
      yield* cache.set("k", bytes(1))
      own.pause()
      const error = yield* failure(cache.get("k"))
      own.resume()
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, own.url)
    }).pipe(Effect.scoped), 20_000)
})

describe("RedisCache without a server", () => {
  it.live("connection refused fails with Unavailable, naming the URL without its password", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const url = `redis://user:s3cret-pw@127.0.0.1:${port}`
      const error = yield* failure(Effect.scoped(RedisCache.make({ url, connectTimeout: 500 })))
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, `redis://user:***@127.0.0.1:${port}`)
      assert.notInclude(error.message, "s3cret-pw")
    }), 10_000)

  it("redactUrl hides only the password", () => {
    assert.strictEqual(RedisCache.redactUrl("redis://:pw@h:1/2"), "redis://:***@h:1/2")
    assert.strictEqual(RedisCache.redactUrl("redis://h:1"), "redis://h:1")
    assert.notInclude(RedisCache.redactUrl("not a url pw"), "pw")
  })
})
