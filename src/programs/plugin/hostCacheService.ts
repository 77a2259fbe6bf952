/**
 * The host side of the cache host service: the host serves a `Cache` to a
 * plugin on a socket of its own and names it in `GESTALT_CACHE_SOCKET`. As a
 * Gestalt host does, the plugin's keys are namespaced `<plugin>:<key>`, so
 * plugins sharing one cache do not see each other's entries.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { cacheRoutes } from "../../protocol/server/cache.ts"
import { serve } from "../../protocol/server/grpcServer.ts"
import type { RpcError } from "../../protocol/codecs/status.ts"
import { Cache } from "../../services/Cache.ts"
import type { CacheShape } from "../../services/Cache.ts"

/**
 * A view of `cache` where every key is prefixed with `<plugin>:`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const namespaced = (cache: CacheShape, plugin: string): CacheShape => {
  const prefix = `${plugin}:`
  const at = (key: string) => prefix + key
  return Cache.of({
    get: (key) => cache.get(at(key)),
    getMany: (keys) =>
      Effect.map(cache.getMany(keys.map(at)), (found) => {
        const unprefixed = new Map<string, Uint8Array>()
        for (const [key, value] of found) unprefixed.set(key.slice(prefix.length), value)
        return unprefixed
      }),
    set: (key, value, options) => cache.set(at(key), value, options),
    setMany: (entries, options) => cache.setMany(entries.map(([key, value]) => [at(key), value] as const), options),
    delete: (key) => cache.delete(at(key)),
    deleteMany: (keys) => cache.deleteMany(keys.map(at)),
    touch: (key, ttl) => cache.touch(at(key), ttl)
  })
}

/**
 * Serves `cache`, namespaced for `plugin`, on `socket` until the scope
 * closes; the environment to give the plugin.
 *
 * @since 0.1.0
 * @category serving
 */
export const serveHostCache = (
  cache: CacheShape,
  plugin: string,
  socket: string
): Effect.Effect<Record<string, string>, RpcError, Scope.Scope> =>
  serve(socket, cacheRoutes).pipe(
    Effect.provideService(Cache, namespaced(cache, plugin)),
    Effect.as({ GESTALT_CACHE_SOCKET: socket })
  )
