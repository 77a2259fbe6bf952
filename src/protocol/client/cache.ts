/**
 * A `Cache` whose entries live in a remote provider (or in the host, for a
 * plugin using GESTALT_CACHE_SOCKET): the same service, the same errors.
 * Keys and TTLs are checked here first (CacheKey), so bad input fails as it
 * does locally without a round trip; value limits are the server's.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Option } from "effect"
import type { Duration } from "effect"
import { Cache } from "../../services/Cache.ts"
import type { CacheError, CacheShape, SetOptions } from "../../services/Cache.ts"
import { firstKeyError, keyError, ttlError, ttlToMillis } from "../../services/CacheKey.ts"
import { cacheErrorOfRpcError, durationOfMillis } from "../codecs/cache.ts"
import { Cache as CacheService } from "../gen/gestalt/provider/v1/cache_pb.ts"
import * as Channel from "./channel.ts"

const methods = CacheService.method

/** Milliseconds of a TTL option (undefined = none) or the InvalidTtl error. */
const ttlOf = (ttl: SetOptions["ttl"], operation: string, key: string): number | undefined | CacheError => {
  if (ttl === undefined) return undefined
  const millis = ttlToMillis(ttl)
  return Number.isNaN(millis) ? ttlError(ttl, operation, key) : millis
}

/**
 * A `Cache` over a channel to a Gestalt `Cache` server.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (channel: Channel.Channel): CacheShape => {
  const get = (key: string): Effect.Effect<Option.Option<Uint8Array>, CacheError> => {
    const invalid = keyError(key, "get")
    if (invalid !== undefined) return Effect.fail(invalid)
    return channel.unary(methods.get, { key }).pipe(
      Effect.map((response) => response.found ? Option.some(response.value) : Option.none()),
      Effect.mapError((error) => cacheErrorOfRpcError("get", error, key))
    )
  }

  const getMany = (keys: ReadonlyArray<string>): Effect.Effect<ReadonlyMap<string, Uint8Array>, CacheError> => {
    const invalid = firstKeyError(keys, "getMany")
    if (invalid !== undefined) return Effect.fail(invalid)
    if (keys.length === 0) return Effect.succeed(new Map())
    return channel.unary(methods.getMany, { keys: [...keys] }).pipe(
      Effect.map((response) => {
        const found = new Map<string, Uint8Array>()
        for (const entry of response.entries) if (entry.found) found.set(entry.key, entry.value)
        return found
      }),
      Effect.mapError((error) => cacheErrorOfRpcError("getMany", error))
    )
  }

  const set = (key: string, value: Uint8Array, options?: SetOptions): Effect.Effect<void, CacheError> => {
    const invalid = keyError(key, "set")
    if (invalid !== undefined) return Effect.fail(invalid)
    const ttl = ttlOf(options?.ttl, "set", key)
    if (typeof ttl === "object") return Effect.fail(ttl)
    return channel.unary(methods.set, ttl === undefined ? { key, value } : { key, value, ttl: durationOfMillis(ttl) }).pipe(
      Effect.asVoid,
      Effect.mapError((error) => cacheErrorOfRpcError("set", error, key))
    )
  }

  const setMany = (
    entries: ReadonlyArray<readonly [key: string, value: Uint8Array]>,
    options?: SetOptions
  ): Effect.Effect<void, CacheError> => {
    const keys = entries.map(([key]) => key)
    const invalid = firstKeyError(keys, "setMany")
    if (invalid !== undefined) return Effect.fail(invalid)
    const ttl = ttlOf(options?.ttl, "setMany", keys.join("', '"))
    if (typeof ttl === "object") return Effect.fail(ttl)
    if (entries.length === 0) return Effect.void
    const wire = entries.map(([key, value]) => ({ key, value }))
    return channel.unary(
      methods.setMany,
      ttl === undefined ? { entries: wire } : { entries: wire, ttl: durationOfMillis(ttl) }
    ).pipe(Effect.asVoid, Effect.mapError((error) => cacheErrorOfRpcError("setMany", error)))
  }

  const del = (key: string): Effect.Effect<boolean, CacheError> => {
    const invalid = keyError(key, "delete")
    if (invalid !== undefined) return Effect.fail(invalid)
    return channel.unary(methods.delete, { key }).pipe(
      Effect.map((response) => response.deleted),
      Effect.mapError((error) => cacheErrorOfRpcError("delete", error, key))
    )
  }

  const deleteMany = (keys: ReadonlyArray<string>): Effect.Effect<number, CacheError> => {
    const invalid = firstKeyError(keys, "deleteMany")
    if (invalid !== undefined) return Effect.fail(invalid)
    if (keys.length === 0) return Effect.succeed(0)
    return channel.unary(methods.deleteMany, { keys: [...keys] }).pipe(
      Effect.map((response) => Number(response.deleted)),
      Effect.mapError((error) => cacheErrorOfRpcError("deleteMany", error))
    )
  }

  const touch = (key: string, ttl: Duration.Input): Effect.Effect<boolean, CacheError> => {
    const invalid = keyError(key, "touch")
    if (invalid !== undefined) return Effect.fail(invalid)
    const millis = ttlOf(ttl, "touch", key)
    if (typeof millis !== "number") return Effect.fail(millis ?? ttlError(ttl, "touch", key))
    return channel.unary(methods.touch, { key, ttl: durationOfMillis(millis) }).pipe(
      Effect.map((response) => response.touched),
      Effect.mapError((error) => cacheErrorOfRpcError("touch", error, key))
    )
  }

  return Cache.of({ get, getMany, set, setMany, delete: del, deleteMany, touch })
}

/**
 * A `Cache` layer over a channel.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerChannel = (channel: Channel.Channel): Layer.Layer<Cache> => Layer.succeed(Cache, make(channel))

/**
 * A `Cache` layer over the Gestalt `Cache` server listening on a socket path
 * (or `unix://` target): a cache provider, or the host's cache service.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSocket = (target: string): Layer.Layer<Cache> =>
  Layer.effect(Cache, Effect.map(Channel.open(target), make))

