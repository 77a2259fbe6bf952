/**
 * Calling an integration plugin: its catalog and its operations. The same
 * service whether the plugin runs in this process (`layerLocal`) or in a
 * provider process over gRPC (protocol/client/integration.ts): an
 * operation's failure is an outcome with a status (as Gestalt's
 * `OperationResult`), and only a plugin that cannot be reached fails the
 * effect.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Redacted, Schema } from "effect"
import type { Plugin, PluginRequest } from "./Plugin.ts"
import { catalogOf } from "./PluginCatalog.ts"
import type { Catalog } from "./PluginCatalog.ts"
import { execute } from "./PluginExecute.ts"
import type { OperationOutcome } from "./PluginExecute.ts"

/**
 * The plugin could not be reached or answered with something unusable.
 *
 * @since 0.1.0
 * @category errors
 */
export class PluginClientError extends Schema.TaggedError<PluginClientError>()("PluginClientError", {
  plugin: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * Who is calling, passed along to the operation (all optional).
 *
 * @since 0.1.0
 * @category models
 */
export interface InvokeOptions {
  readonly token?: Redacted.Redacted<string>
  readonly connectionParams?: Readonly<Record<string, string>>
  readonly idempotencyKey?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PluginClientShape {
  readonly catalog: Effect.Effect<Catalog, PluginClientError>
  readonly invoke: (
    operation: string,
    params: Readonly<Record<string, unknown>>,
    options?: InvokeOptions
  ) => Effect.Effect<OperationOutcome, PluginClientError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class PluginClient extends Context.Service<PluginClient, PluginClientShape>()("strata/PluginClient") {}

/**
 * The request a local call hands to the operation.
 *
 * @since 0.1.0
 * @category models
 */
export const requestOf = (options: InvokeOptions = {}): PluginRequest => ({
  token: options.token ?? Redacted.make(""),
  connectionParams: options.connectionParams ?? {},
  subject: { id: "", kind: "", displayName: "", authSource: "" },
  invocationToken: Redacted.make(""),
  idempotencyKey: options.idempotencyKey ?? "",
  publicBaseUrl: ""
})

/**
 * A client of a plugin running in this process, its handlers' services
 * given by `layer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLocal = <R, E>(plugin: Plugin<R>, layer: Layer.Layer<R, E>): Layer.Layer<PluginClient, E> =>
  Layer.effect(
    PluginClient,
    Effect.gen(function*() {
      const context = yield* Effect.context<R>()
      const catalog = catalogOf(plugin)
      return PluginClient.of({
        catalog: Effect.succeed(catalog),
        invoke: (operation, params, options) =>
          execute(plugin, operation, params, requestOf(options)).pipe(Effect.provideContext(context))
      })
    })
  ).pipe(Layer.provide(layer))
