/**
 * The plugin side of host services: a plugin uses the host's cache through
 * the socket the host names in `GESTALT_CACHE_SOCKET` (one binding) or
 * `GESTALT_CACHE_SOCKET_<NAME>` (named bindings; the name upper-cased, every
 * character outside `[A-Za-z0-9]` replaced by `_`, as Gestalt does).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import * as RemoteCache from "../../protocol/client/cache.ts"
import { Cache } from "../../services/Cache.ts"
import { ProviderRuntimeError } from "./runtime.ts"

/**
 * `GESTALT_CACHE_SOCKET`, or `GESTALT_CACHE_SOCKET_<NAME>` for a binding.
 *
 * @since 0.1.0
 * @category environment
 */
export const socketVariable = (base: string, binding?: string): string => {
  const name = binding?.trim() ?? ""
  if (name === "") return base
  return `${base}_${Array.from(name.toUpperCase(), (char) => (/^[A-Z0-9]$/.test(char) ? char : "_")).join("")}`
}

/**
 * The host's cache (optionally a named binding), for a plugin's handlers.
 * Fails to build when the host did not give that binding.
 *
 * @since 0.1.0
 * @category layers
 */
export const hostCache = (
  binding?: string,
  env: Readonly<Record<string, string | undefined>> = process.env
): Layer.Layer<Cache, ProviderRuntimeError> =>
  Layer.unwrap(Effect.suspend(() => {
    const variable = socketVariable("GESTALT_CACHE_SOCKET", binding)
    const target = env[variable]
    if (target === undefined || target === "") {
      return Effect.fail(
        new ProviderRuntimeError({
          message: `${variable} is not set: the host gave this plugin no cache${binding === undefined ? "" : ` binding '${binding}'`}.`
        })
      )
    }
    return Effect.succeed(RemoteCache.layerSocket(target))
  }))
