/**
 * What a host says to a provider once it listens, per kind (Gestalt's
 * order): for cache and secrets providers `GetProviderIdentity` (the kind
 * must match, the version range must include 3), `ConfigureProvider` (the
 * echoed version must be 3) and a `HealthCheck`; for integration plugins
 * `IntegrationProvider.GetMetadata` (retried while the server is not yet
 * reachable) and `IntegrationProvider.StartProvider` (UNIMPLEMENTED is fine).
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@bufbuild/protobuf"
import { Effect, Schedule } from "effect"
import type { Channel } from "../../protocol/client/channel.ts"
import { Code } from "../../protocol/codecs/status.ts"
import type { RpcError } from "../../protocol/codecs/status.ts"
import { PROTOCOL_VERSION } from "../../protocol/codecs/wire.ts"
import { IntegrationProvider } from "../../protocol/gen/gestalt/provider/v1/plugin_pb.ts"
import { ProviderKind, ProviderLifecycle } from "../../protocol/gen/gestalt/provider/v1/runtime_pb.ts"
import { ProviderHostError } from "./spawn.ts"

/**
 * The provider kinds a strata host runs.
 *
 * @since 0.1.0
 * @category models
 */
export type HostedKind = "cache" | "secrets" | "integration"

const WIRE_KIND = { cache: ProviderKind.CACHE, secrets: ProviderKind.SECRETS, integration: ProviderKind.INTEGRATION }

const kindName = (wire: number): string =>
  Object.entries(ProviderKind).find(([, value]) => value === wire)?.[0].toLowerCase() ?? `kind ${wire}`

const inRange = (min: number, max: number): boolean =>
  (min === 0 || min <= PROTOCOL_VERSION) && (max === 0 || PROTOCOL_VERSION <= max)

/**
 * Runs the start-up conversation on a fresh connection.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const handshake = (
  channel: Channel,
  kind: HostedKind,
  name: string,
  config: JsonObject | undefined
): Effect.Effect<void, ProviderHostError> => {
  const fail = (message: string, cause?: RpcError) =>
    new ProviderHostError({ provider: name, message, ...(cause === undefined ? {} : { cause }) })
  const wrap = (what: string) => (error: RpcError) => fail(`${what} of provider '${name}' failed: ${error.message}`, error)
  // An empty config is sent absent, as Gestalt hosts do.
  const wireConfig = config === undefined || Object.keys(config).length === 0 ? {} : { config }
  if (kind === "integration") {
    return Effect.gen(function*() {
      yield* channel.unary(IntegrationProvider.method.getMetadata, {}).pipe(
        Effect.retry({ while: (error) => error.code === Code.UNAVAILABLE, schedule: Schedule.spaced("25 millis"), times: 200 }),
        Effect.catchIf((error) => error.code === Code.UNIMPLEMENTED, () => Effect.void),
        Effect.mapError(wrap("GetMetadata"))
      )
      const started = yield* channel.unary(IntegrationProvider.method.startProvider, {
        name,
        protocolVersion: PROTOCOL_VERSION,
        ...wireConfig
      }).pipe(
        Effect.map((response) => response.protocolVersion),
        Effect.catchIf((error) => error.code === Code.UNIMPLEMENTED, () => Effect.succeed(PROTOCOL_VERSION)),
        Effect.mapError(wrap("StartProvider"))
      )
      if (started !== PROTOCOL_VERSION) {
        return yield* fail(`Plugin '${name}' answered with protocol version ${started}; this host speaks ${PROTOCOL_VERSION}.`)
      }
    })
  }
  return Effect.gen(function*() {
    const identity = yield* channel.unary(ProviderLifecycle.method.getProviderIdentity, {}).pipe(
      Effect.retry({ while: (error) => error.code === Code.UNAVAILABLE, schedule: Schedule.spaced("25 millis"), times: 200 }),
      Effect.mapError(wrap("GetProviderIdentity"))
    )
    if (identity.kind !== WIRE_KIND[kind]) {
      return yield* fail(
        `Provider '${name}' is a ${kindName(identity.kind)} provider, not a ${kind} provider.`
      )
    }
    if (!inRange(identity.minProtocolVersion, identity.maxProtocolVersion)) {
      return yield* fail(
        `Provider '${name}' speaks protocol versions ${identity.minProtocolVersion} to ${identity.maxProtocolVersion}; this host speaks ${PROTOCOL_VERSION}.`
      )
    }
    const configured = yield* channel.unary(ProviderLifecycle.method.configureProvider, {
      name,
      protocolVersion: PROTOCOL_VERSION,
      ...wireConfig
    }).pipe(Effect.mapError(wrap("ConfigureProvider")))
    if (configured.protocolVersion !== PROTOCOL_VERSION) {
      return yield* fail(
        `Provider '${name}' was configured for protocol version ${configured.protocolVersion}; this host speaks ${PROTOCOL_VERSION}.`
      )
    }
    const health = yield* channel.unary(ProviderLifecycle.method.healthCheck, {}).pipe(Effect.mapError(wrap("HealthCheck")))
    if (!health.ready) return yield* fail(`Provider '${name}' is not ready: ${health.message || "no reason given"}.`)
  })
}
