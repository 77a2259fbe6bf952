/**
 * A `PluginClient` for an integration plugin in a provider process: the
 * catalog comes from `GetMetadata` (its static catalog, with the schemas),
 * operations run through `Execute`.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Redacted } from "effect"
import { PluginClient, PluginClientError } from "../../services/PluginClient.ts"
import type { PluginClientShape } from "../../services/PluginClient.ts"
import { fromWire } from "../codecs/catalog.ts"
import type { RpcError } from "../codecs/status.ts"
import { IntegrationProvider } from "../gen/gestalt/provider/v1/plugin_pb.ts"
import type { Channel } from "./channel.ts"

/**
 * A plugin client over a channel; `name` is for messages.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (channel: Channel, name: string): PluginClientShape => {
  const unreachable = (error: RpcError) => new PluginClientError({ plugin: name, message: error.message, cause: error })
  return PluginClient.of({
    catalog: channel.unary(IntegrationProvider.method.getMetadata, {}).pipe(
      Effect.mapError(unreachable),
      Effect.flatMap((metadata) =>
        Effect.try({
          try: () =>
            fromWire(
              metadata.staticCatalog ??
                { $typeName: "gestalt.provider.v1.Catalog", name, displayName: "", description: "", iconSvg: "", operations: [] }
            ),
          catch: (cause) =>
            new PluginClientError({ plugin: name, message: `Plugin '${name}' sent a catalog that cannot be read: ${String(cause)}`, cause })
        })
      )
    ),
    invoke: (operation, params, options = {}) =>
      channel.unary(IntegrationProvider.method.execute, {
        operation,
        // An empty params map is sent absent, as Gestalt hosts do.
        ...(Object.keys(params).length === 0 ? {} : { params: params as never }),
        token: options.token === undefined ? "" : Redacted.value(options.token),
        connectionParams: { ...options.connectionParams },
        idempotencyKey: options.idempotencyKey ?? ""
      }).pipe(
        Effect.map((result) => ({ status: result.status, body: result.body })),
        Effect.mapError(unreachable)
      )
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerChannel = (channel: Channel, name: string): Layer.Layer<PluginClient> =>
  Layer.succeed(PluginClient, make(channel, name))
