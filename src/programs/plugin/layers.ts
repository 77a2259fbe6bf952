/**
 * Layers that launch a provider process and give its service, so that a
 * remote provider is used exactly like a local layer:
 *
 * ```ts
 * const cache = Remote.cache({ name: "cache", command: "node", args: ["provider.ts"] })
 * program.pipe(Effect.provide(cache)) // Effect<A, E, Cache> as with MemoryCache.layer()
 * ```
 *
 * The process lives as long as the layer (see host.ts for restarts and
 * stopping).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import * as RemoteCache from "../../protocol/client/cache.ts"
import * as RemotePlugin from "../../protocol/client/integration.ts"
import * as RemoteSecrets from "../../protocol/client/secrets.ts"
import { Cache } from "../../services/Cache.ts"
import { PluginClient } from "../../services/PluginClient.ts"
import { Secrets } from "../../services/Secrets.ts"
import { launch } from "./host.ts"
import type { LaunchOptions } from "./host.ts"
import type { ProviderHostError } from "./spawn.ts"

/**
 * @since 0.1.0
 * @category options
 */
export type RemoteOptions = Omit<LaunchOptions, "kind">

/**
 * A `Cache` served by a cache provider process.
 *
 * @since 0.1.0
 * @category layers
 */
export const cache = (options: RemoteOptions): Layer.Layer<Cache, ProviderHostError> =>
  Layer.effect(Cache, Effect.map(launch({ ...options, kind: "cache" }), (provider) => RemoteCache.make(provider.channel)))

/**
 * A `Secrets` served by a secrets provider process.
 *
 * @since 0.1.0
 * @category layers
 */
export const secrets = (options: RemoteOptions): Layer.Layer<Secrets, ProviderHostError> =>
  Layer.effect(
    Secrets,
    Effect.map(launch({ ...options, kind: "secrets" }), (provider) => RemoteSecrets.make(provider.channel))
  )

/**
 * A `PluginClient` of an integration plugin process.
 *
 * @since 0.1.0
 * @category layers
 */
export const plugin = (options: RemoteOptions): Layer.Layer<PluginClient, ProviderHostError> =>
  Layer.effect(
    PluginClient,
    Effect.map(launch({ ...options, kind: "integration" }), (provider) => RemotePlugin.make(provider.channel, options.name))
  )
