/**
 * Serves any `Cache` layer as the Gestalt `Cache` service: misses are
 * `found = false`, an absent or zero TTL is no expiry, a negative TTL is
 * INVALID_ARGUMENT, and `CacheError`s become statuses (codecs/cache.ts).
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import type { CacheError } from "../../services/Cache.ts"
import { Cache } from "../../services/Cache.ts"
import { millisOfDuration, rpcErrorOfCacheError } from "../codecs/cache.ts"
import { Code, RpcError } from "../codecs/status.ts"
import { Cache as CacheService } from "../gen/gestalt/provider/v1/cache_pb.ts"
import { route } from "./grpcServer.ts"
import type { Route } from "./grpcServer.ts"

const methods = CacheService.method

const ttlOf = (label: string, key: string, duration: Parameters<typeof millisOfDuration>[0]) => {
  const millis = millisOfDuration(duration)
  if (millis < 0) {
    return Effect.fail(
      new RpcError({
        code: Code.INVALID_ARGUMENT,
        method: label,
        reason: "InvalidTtl",
        message: `The TTL for cache key '${key}' is negative (${millis} ms).`
      })
    )
  }
  return Effect.succeed(millis === 0 ? undefined : { ttl: millis })
}

const mapError = (label: string) => (error: CacheError | RpcError) =>
  error._tag === "RpcError" ? error : rpcErrorOfCacheError(label, error)

/**
 * The routes of the `Cache` service over the `Cache` in context.
 *
 * @since 0.1.0
 * @category serving
 */
export const cacheRoutes: ReadonlyArray<Route<Cache>> = [
  route(methods.get, (request) =>
    Cache.use((cache) => cache.get(request.key)).pipe(
      Effect.map((value) => Option.isSome(value) ? { found: true, value: value.value } : { found: false }),
      Effect.mapError(mapError("Cache.Get"))
    )),
  route(methods.getMany, (request) =>
    Cache.use((cache) => cache.getMany(request.keys)).pipe(
      Effect.map((found) => ({
        entries: request.keys.map((key) => {
          const value = found.get(key)
          return value === undefined ? { key, found: false } : { key, found: true, value }
        })
      })),
      Effect.mapError(mapError("Cache.GetMany"))
    )),
  route(methods.set, (request) =>
    Effect.gen(function*() {
      const cache = yield* Cache
      const options = yield* ttlOf("Cache.Set", request.key, request.ttl)
      yield* options === undefined ? cache.set(request.key, request.value) : cache.set(request.key, request.value, options)
      return {}
    }).pipe(Effect.mapError(mapError("Cache.Set")))),
  route(methods.setMany, (request) =>
    Effect.gen(function*() {
      const cache = yield* Cache
      const entries = request.entries.map((entry) => [entry.key, entry.value] as const)
      const options = yield* ttlOf("Cache.SetMany", entries.map(([key]) => key).join("', '"), request.ttl)
      yield* options === undefined ? cache.setMany(entries) : cache.setMany(entries, options)
      return {}
    }).pipe(Effect.mapError(mapError("Cache.SetMany")))),
  route(methods.delete, (request) =>
    Cache.use((cache) => cache.delete(request.key)).pipe(
      Effect.map((deleted) => ({ deleted })),
      Effect.mapError(mapError("Cache.Delete"))
    )),
  route(methods.deleteMany, (request) =>
    Cache.use((cache) => cache.deleteMany(request.keys)).pipe(
      Effect.map((deleted) => ({ deleted: BigInt(deleted) })),
      Effect.mapError(mapError("Cache.DeleteMany"))
    )),
  route(methods.touch, (request) =>
    Effect.gen(function*() {
      const cache = yield* Cache
      const millis = millisOfDuration(request.ttl)
      // Touch needs a TTL: zero or negative is refused by the cache itself, as locally.
      return { touched: yield* cache.touch(request.key, millis) }
    }).pipe(Effect.mapError(mapError("Cache.Touch"))))
]
