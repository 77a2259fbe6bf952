/**
 * A `Cache` over Redis (node-redis v6): values are stored as Redis strings
 * under `keyPrefix + key`, read back as bytes (the client maps RESP blob
 * strings to `Buffer`s, viewed as `Uint8Array`s without a copy).
 *
 * - **One round trip per operation**: get = GET, getMany = MGET, set = SET
 *   (with PX for a TTL), setMany = MSET without a TTL or a MULTI of SET ... PX
 *   with one, delete = DEL, deleteMany = DEL of the unique keys, touch =
 *   PEXPIRE. TTLs are kept by the server, in its own clock.
 * - **Fails fast, never hangs**: the first connection is tried once (within
 *   `connectTimeout`); a command fails after `commandTimeout` without an
 *   answer (also when a hung server keeps the connection open); commands
 *   issued while the connection is down are refused at once (no offline
 *   queue); closing waits at most `commandTimeout` for answers still due. After a connection that worked is lost, the client reconnects in
 *   the background (every 50 ms doubling up to 1 s, for as long as the layer
 *   lives), so the cache recovers when Redis comes back; callers meanwhile
 *   get `Unavailable` immediately rather than waiting.
 * - **Errors**: all are `CacheError`s. Connection refused, timeouts, a lost
 *   connection: `Unavailable`, with a sentence naming the key and the URL
 *   (its password replaced by `***`). A key holding another Redis type
 *   (WRONGTYPE): `Corrupt`. Bad input: `InvalidKey`, `ValueTooLarge`,
 *   `InvalidTtl` (checked before anything is sent).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Option, Schema } from "effect"
import type { Duration } from "effect"
import { createClient, ErrorReply, RESP_TYPES } from "redis"
import { Cache, CacheError } from "../../services/Cache.ts"
import type { CacheShape, SetOptions } from "../../services/Cache.ts"
import { firstKeyError, ttlMillis, validateEntries, validateKey, validateValue } from "../../services/CacheKey.ts"

const Millis = Schema.Number.check(Schema.isGreaterThan(0), Schema.isFinite())

/**
 * Options of the Redis cache.
 *
 * @since 0.1.0
 * @category models
 */
export const RedisCacheOptions = Schema.Struct({
  /** `redis://[user:password@]host:port[/db]`; default `redis://127.0.0.1:6379`. */
  url: Schema.optional(Schema.String),
  /** Prepended to every key (e.g. `strata:`), so caches can share a database; default none. */
  keyPrefix: Schema.optional(Schema.String),
  /** Larger values fail with `ValueTooLarge`; default 16 MiB. */
  maxValueBytes: Schema.optional(Schema.Int.check(Schema.isGreaterThan(0))),
  /** Milliseconds to wait for a connection; default 1000. */
  connectTimeout: Schema.optional(Millis),
  /** Milliseconds to wait for the answer to a command; default 2000. */
  commandTimeout: Schema.optional(Millis)
})
export type RedisCacheOptions = typeof RedisCacheOptions.Type

const defaultUrl = "redis://127.0.0.1:6379"
const defaultMaxValueBytes = 16 * 1024 * 1024
const defaultCommandTimeout = 2000

/**
 * The URL with its password (if any) replaced by `***`, for messages.
 *
 * @since 0.1.0
 * @category utils
 */
export const redactUrl = (url: string): string => {
  if (!URL.canParse(url)) return "(an unparsable Redis URL)"
  const parsed = new URL(url)
  if (parsed.password !== "") parsed.password = "***"
  return parsed.toString()
}

const causeText = (cause: unknown): string =>
  cause instanceof AggregateError && cause.errors.length > 0
    ? causeText(cause.errors[0])
    : cause instanceof Error ? cause.message : String(cause)

const keysText = (keys: ReadonlyArray<string>): string =>
  keys.length === 1
    ? `'${keys[0]}'`
    : `${keys.slice(0, 3).map((k) => `'${k}'`).join(", ")}${keys.length > 3 ? ` and ${keys.length - 3} more` : ""}`

/** Raised by `within` when no answer came in time. */
class NoAnswer extends Error {
  constructor(millis: number) {
    super(`no answer within ${millis} ms`)
  }
}

/**
 * The promise, or a `NoAnswer` rejection after `millis`. node-redis's own
 * command timeout only covers commands not yet written to the socket, not
 * the wait for a reply from a server that hangs; this covers both. A late
 * reply is still matched to its command by the client (replies stay in order).
 */
const within = <A>(promise: Promise<A>, millis: number): Promise<A> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new NoAnswer(millis)), millis)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })

const bytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)

const connect = (options: RedisCacheOptions, shownUrl: string) => {
  const commandTimeout = options.commandTimeout ?? defaultCommandTimeout
  let wasReady = false
  const client = createClient({
    url: options.url ?? defaultUrl,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeout ?? 1000,
      // Never retry a first connection; after one worked, retry in the background (callers do not wait).
      reconnectStrategy: (retries: number) => (wasReady ? Math.min(50 * 2 ** retries, 1000) : false)
    },
    commandOptions: {
      timeout: commandTimeout,
      typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer }
    }
  })
  // Failures reach callers through their commands; the event only has to exist (or Node throws).
  client.on("error", () => {})
  client.on("ready", () => {
    wasReady = true
  })
  return Effect.acquireRelease(
    Effect.tryPromise({
      try: () => client.connect(),
      catch: (cause) => {
        client.destroy()
        return new CacheError({
          reason: "Unavailable",
          operation: "connect",
          message: `Could not connect to Redis at ${shownUrl}: ${causeText(cause)}.`,
          cause
        })
      }
    }),
    (connected) =>
      // close() waits for the replies still due: give a hung server as long as a command, then cut.
      Effect.promise(() =>
        connected.isReady
          ? within(connected.close(), commandTimeout).catch(() => connected.destroy())
          : Promise.resolve(connected.destroy())
      )
  )
}

type Client = Effect.Success<ReturnType<typeof connect>>

const makeShape = (client: Client, options: RedisCacheOptions, shownUrl: string): CacheShape => {
  const prefix = options.keyPrefix ?? ""
  const maxValueBytes = options.maxValueBytes ?? defaultMaxValueBytes
  const commandTimeout = options.commandTimeout ?? defaultCommandTimeout
  const run = <A>(operation: string, keys: ReadonlyArray<string>, call: () => Promise<A>) =>
    Effect.tryPromise({
      try: () => within(call(), commandTimeout),
      catch: (cause) => {
        const what = `${operation} of ${keysText(keys)}`
        return cause instanceof ErrorReply && cause.message.startsWith("WRONGTYPE")
          ? new CacheError({
            reason: "Corrupt",
            operation,
            key: keys[0],
            message: `The Redis key of ${keysText(keys)} at ${shownUrl} holds a value that is not a string (${what}).`,
            cause
          })
          : new CacheError({
            reason: "Unavailable",
            operation,
            key: keys[0],
            message: `Redis at ${shownUrl} is unavailable (${what}): ${causeText(cause)}.`,
            cause
          })
      }
    })
  /** The keys as sent to Redis, or the error of the first bad key (checked without an Effect per key). */
  const redisKeys = (keys: ReadonlyArray<string>, operation: string): Effect.Effect<Array<string>, CacheError> => {
    const error = firstKeyError(keys, operation)
    return error === undefined ? Effect.succeed(keys.map((key) => prefix + key)) : Effect.fail(error)
  }

  const get = Effect.fn("RedisCache.get")(function*(key: string) {
    yield* validateKey(key, "get")
    const value = yield* run("get", [key], () => client.get(prefix + key))
    return value === null ? Option.none<Uint8Array>() : Option.some(bytes(value))
  })

  // getMany and deleteMany are the batch paths: untraced, one Effect in all.
  const getMany = (keys: ReadonlyArray<string>) =>
    Effect.flatMap(redisKeys(keys, "getMany"), (sent) =>
      sent.length === 0
        ? Effect.succeed(new Map<string, Uint8Array>())
        : Effect.map(run("getMany", keys, () => client.mGet(sent)), (values) => {
          const found = new Map<string, Uint8Array>()
          for (let i = 0; i < keys.length; i++) {
            const value = values[i]
            if (value !== null && value !== undefined) found.set(keys[i]!, bytes(value))
          }
          return found
        }))

  const set = Effect.fn("RedisCache.set")(function*(key: string, value: Uint8Array, setOptions?: SetOptions) {
    yield* validateKey(key, "set")
    yield* validateValue(key, value, maxValueBytes, "set")
    const ttl = yield* ttlMillis(setOptions?.ttl, "set", key)
    yield* run("set", [key], () =>
      ttl === undefined
        ? client.set(prefix + key, asBuffer(value))
        : client.set(prefix + key, asBuffer(value), {
          expiration: { type: "PX", value: ttl }
        }))
  })

  const setMany = Effect.fn("RedisCache.setMany")(
    function*(entries: ReadonlyArray<readonly [key: string, value: Uint8Array]>, setOptions?: SetOptions) {
      yield* validateEntries(entries, maxValueBytes, "setMany")
      const ttl = yield* ttlMillis(setOptions?.ttl, "setMany", entries[0]?.[0] ?? "")
      if (entries.length === 0) return
      const pairs = entries.map(([key, value]) =>
        [prefix + key, asBuffer(value)] as [string, Buffer]
      )
      const keys = entries.map(([key]) => key)
      if (ttl === undefined) {
        yield* run("setMany", keys, () => client.mSet(pairs))
        return
      }
            yield* run("setMany", keys, () => {
        const multi = client.multi()
        for (const [key, value] of pairs) multi.set(key, value, { expiration: { type: "PX", value: ttl } })
        return multi.exec()
      })
    }
  )

  const del = Effect.fn("RedisCache.delete")(function*(key: string) {
    yield* validateKey(key, "delete")
    return (yield* run("delete", [key], () => client.del(prefix + key))) > 0
  })

  const deleteMany = (keys: ReadonlyArray<string>) => {
    const unique = [...new Set(keys)]
    return Effect.flatMap(redisKeys(unique, "deleteMany"), (sent) =>
      sent.length === 0 ? Effect.succeed(0) : run("deleteMany", unique, () => client.del(sent)))
  }

  const touch = Effect.fn("RedisCache.touch")(function*(key: string, ttl: Duration.Input) {
    yield* validateKey(key, "touch")
    // ttlMillis gives a number for every defined TTL (or fails with InvalidTtl).
    const millis = (yield* ttlMillis(ttl, "touch", key)) ?? 1
    return (yield* run("touch", [key], () => client.pExpire(prefix + key, millis))) === 1
  })

  return { get, getMany, set, setMany, delete: del, deleteMany, touch }
}

/** A Buffer view of the bytes, without copying (node-redis sends Buffers as binary). */
const asBuffer = (value: Uint8Array): Buffer => Buffer.from(value.buffer, value.byteOffset, value.byteLength)

/**
 * A Redis cache whose connection lives as long as the current scope (closed
 * gracefully when it ends, cut after `commandTimeout`). Fails with `Unavailable` when the
 * server cannot be reached within `connectTimeout`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("RedisCache.make")(function*(options: RedisCacheOptions = {}) {
  const shownUrl = redactUrl(options.url ?? defaultUrl)
  const checked = yield* Schema.decodeUnknownEffect(RedisCacheOptions)(options).pipe(
    Effect.mapError((cause) =>
      new CacheError({
        reason: "Unavailable",
        operation: "connect",
        message: `The options of the Redis cache at ${shownUrl} are invalid: ${cause.message}`,
        cause
      })
    )
  )
  const client = yield* connect(checked, shownUrl)
  return makeShape(client, checked, shownUrl)
})

/**
 * A `Cache` over Redis; see `make`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: RedisCacheOptions = {}): Layer.Layer<Cache, CacheError> =>
  Layer.effect(Cache, make(options))
