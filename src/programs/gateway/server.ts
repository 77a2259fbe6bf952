/**
 * A gateway from its config file: contracts compiled, quarantine index
 * loaded from storage, routes ready to serve.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import { loadGatewayConfig } from "./config.ts"
import { loadRegistry } from "./registry.ts"
import { gatewayRoutes } from "./routes.ts"
import { makeGatewayStore } from "./store.ts"

/**
 * The gateway's routes as a layer over `HttpRouter` (serve it with
 * `HttpRouter.serve`). Fails at build time, before listening, when the
 * config, a contract or the storage is unusable.
 *
 * @since 0.1.0
 * @category constructors
 */
export const gatewayLayer = (options: {
  readonly configFile: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly client: StorageClientShape
}) =>
  Layer.unwrap(Effect.gen(function*() {
    const config = yield* loadGatewayConfig(options.configFile, options.env)
    const contracts = yield* loadRegistry(config)
    const store = yield* makeGatewayStore(options.client, config.content.storage)
    return gatewayRoutes({ config, contracts, store })
  }))
