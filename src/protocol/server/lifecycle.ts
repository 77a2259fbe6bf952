/**
 * Serves `ProviderLifecycle`: identity (with the protocol version range
 * 3..3), configure (the host must ask for version 3; the provider's
 * `configure` hook gets the name and the config, absent meaning `{}`),
 * health (a failing check is `ready = false`, not an error) and start.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@bufbuild/protobuf"
import { Effect } from "effect"
import { messageOf } from "../../services/PluginExecute.ts"
import { Code, RpcError } from "../codecs/status.ts"
import { PROTOCOL_VERSION } from "../codecs/wire.ts"
import type { ProviderKind } from "../gen/gestalt/provider/v1/runtime_pb.ts"
import { ProviderLifecycle } from "../gen/gestalt/provider/v1/runtime_pb.ts"
import { route } from "./grpcServer.ts"
import type { Route } from "./grpcServer.ts"

/**
 * What the lifecycle says about a provider, and its hooks.
 *
 * @since 0.1.0
 * @category models
 */
export interface LifecycleOptions<R> {
  readonly kind: ProviderKind
  readonly name: string
  readonly displayName?: string | undefined
  readonly description?: string | undefined
  readonly version?: string | undefined
  /** Runs on ConfigureProvider; a failure is answered with UNKNOWN and its message. */
  readonly configure?: ((name: string, config: JsonObject) => Effect.Effect<void, unknown, R>) | undefined
  /** Runs on HealthCheck; a failure means not ready, with its message. */
  readonly healthCheck?: Effect.Effect<void, unknown, R> | undefined
}

/**
 * The FAILED_PRECONDITION answer to a host that asks for another protocol
 * version (Gestalt's wording).
 *
 * @since 0.1.0
 * @category errors
 */
export const checkProtocolVersion = (method: string, requested: number): Effect.Effect<void, RpcError> =>
  requested === PROTOCOL_VERSION ? Effect.void : Effect.fail(
    new RpcError({
      code: Code.FAILED_PRECONDITION,
      method,
      message: `host requested protocol version ${requested}, provider requires ${PROTOCOL_VERSION}`
    })
  )

/**
 * Runs a configure hook, answering its failure with UNKNOWN `"configure: <message>"`.
 *
 * @since 0.1.0
 * @category serving
 */
export const runConfigure = <R>(
  method: string,
  hook: LifecycleOptions<R>["configure"],
  name: string,
  config: JsonObject | undefined
): Effect.Effect<void, RpcError, R> =>
  hook === undefined ? Effect.void : hook(name, config ?? {}).pipe(
    Effect.mapError((error) => new RpcError({ code: Code.UNKNOWN, method, message: `configure: ${messageOf(error)}` }))
  )

/**
 * Answers a configure request (ConfigureProvider, or StartProvider of an
 * integration): checks the protocol version the host asks for, runs the hook,
 * and answers with the version served.
 *
 * @since 0.1.0
 * @category serving
 */
export const configureProvider = <R>(
  method: string,
  hook: LifecycleOptions<R>["configure"],
  request: { readonly protocolVersion: number; readonly name: string; readonly config?: JsonObject | undefined }
): Effect.Effect<{ readonly protocolVersion: number }, RpcError, R> =>
  Effect.gen(function*() {
    yield* checkProtocolVersion(method, request.protocolVersion)
    yield* runConfigure(method, hook, request.name, request.config)
    return { protocolVersion: PROTOCOL_VERSION }
  })

/**
 * The routes of `ProviderLifecycle`.
 *
 * @since 0.1.0
 * @category serving
 */
export const lifecycleRoutes = <R>(options: LifecycleOptions<R>): ReadonlyArray<Route<R>> => {
  const methods = ProviderLifecycle.method
  return [
    route(methods.getProviderIdentity, () =>
      Effect.succeed({
        kind: options.kind,
        name: options.name,
        displayName: options.displayName ?? options.name,
        description: options.description ?? "",
        version: options.version ?? "",
        minProtocolVersion: PROTOCOL_VERSION,
        maxProtocolVersion: PROTOCOL_VERSION
      })),
    route(methods.configureProvider, (request) =>
      configureProvider("ProviderLifecycle.ConfigureProvider", options.configure, request)),
    route(methods.healthCheck, () =>
      options.healthCheck === undefined
        ? Effect.succeed({ ready: true })
        : options.healthCheck.pipe(
          Effect.as({ ready: true }),
          Effect.catch((error) => Effect.succeed({ ready: false, message: messageOf(error) }))
        )),
    route(methods.startProvider, () => Effect.succeed({ protocolVersion: PROTOCOL_VERSION }))
  ]
}
