/**
 * Serves a plugin (services/Plugin.ts) as the Gestalt `IntegrationProvider`:
 * metadata with the full static catalog, the configure step
 * (`StartProvider`, protocol version 3), and `Execute`, whose failures are
 * in-band statuses (services/PluginExecute.ts), never RPC errors. Session
 * catalogs and post-connect hooks are not supported (UNIMPLEMENTED, which
 * Gestalt hosts expect); HTTP subject resolution keeps the binding subject.
 *
 * @since 0.1.0
 */
import { Effect, Redacted } from "effect"
import type { Plugin, PluginRequest } from "../../services/Plugin.ts"
import { catalogOf } from "../../services/PluginCatalog.ts"
import { execute } from "../../services/PluginExecute.ts"
import { toWire } from "../codecs/catalog.ts"
import { PROTOCOL_VERSION } from "../codecs/wire.ts"
import type { ExecuteRequest } from "../gen/gestalt/provider/v1/plugin_pb.ts"
import { ConnectionMode, IntegrationProvider } from "../gen/gestalt/provider/v1/plugin_pb.ts"
import { route, unimplemented } from "./grpcServer.ts"
import type { Route } from "./grpcServer.ts"
import { configureProvider } from "./lifecycle.ts"

/**
 * The handler's view of an `ExecuteRequest` (absent parts are empty).
 *
 * @since 0.1.0
 * @category codecs
 */
export const pluginRequestOf = (request: ExecuteRequest): PluginRequest => {
  const subject = request.context?.subject
  return {
    token: Redacted.make(request.token),
    connectionParams: request.connectionParams,
    subject: {
      id: subject?.id ?? "",
      kind: subject?.kind ?? "",
      displayName: subject?.displayName ?? "",
      authSource: subject?.authSource ?? ""
    },
    invocationToken: Redacted.make(request.invocationToken),
    idempotencyKey: request.idempotencyKey.trim(),
    publicBaseUrl: request.context?.host?.publicBaseUrl ?? ""
  }
}

/**
 * The routes of `IntegrationProvider` for a plugin.
 *
 * @since 0.1.0
 * @category serving
 */
export const integrationRoutes = <R>(plugin: Plugin<R>): ReadonlyArray<Route<R>> => {
  const methods = IntegrationProvider.method
  const catalog = toWire(catalogOf(plugin))
  return [
    route(methods.getMetadata, () =>
      Effect.succeed({
        name: plugin.name,
        displayName: plugin.displayName,
        description: plugin.description,
        connectionMode: ConnectionMode.NONE,
        staticCatalog: catalog,
        supportsSessionCatalog: false,
        supportsPostConnect: false,
        minProtocolVersion: PROTOCOL_VERSION,
        maxProtocolVersion: PROTOCOL_VERSION
      })),
    route(methods.startProvider, (request) =>
      configureProvider("IntegrationProvider.StartProvider", plugin.configure, request)),
    route(methods.execute, (request) =>
      execute(plugin, request.operation, request.params, pluginRequestOf(request))),
    route(methods.resolveHTTPSubject, () => Effect.succeed({})),
    route(methods.getSessionCatalog, () =>
      Effect.fail(unimplemented("IntegrationProvider.GetSessionCatalog", `Plugin '${plugin.name}' has no session catalog.`))),
    route(methods.postConnect, () =>
      Effect.fail(unimplemented("IntegrationProvider.PostConnect", `Plugin '${plugin.name}' has no post-connect hook.`)))
  ]
}
