/**
 * The provider runtime: serves a `Provider` over the Gestalt protocol, the
 * way a Gestalt host expects a provider process to behave.
 *
 * - `GESTALT_PLUGIN_SOCKET`: the unix socket to listen on (a path or
 *   `unix://` target; a stale file is replaced, and removed again on exit).
 * - `GESTALT_PLUGIN_PARENT_PID`: the host's pid; the provider stops when it
 *   is no longer its parent (checked every 500 ms, as Gestalt's Go SDK).
 * - `GESTALT_PLUGIN_WRITE_CATALOG`: write the static catalog (YAML) to that
 *   path and exit without serving (integration plugins only).
 * - Every provider serves `ProviderLifecycle`, plus its kind's service.
 * - Interrupting `run` (SIGTERM or SIGINT under `NodeRuntime.runMain`)
 *   drains: calls in flight finish, new calls are refused.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schedule, Schema } from "effect"
import type { Scope } from "effect"
import { writeFileSync } from "node:fs"
import { cacheRoutes } from "../../protocol/server/cache.ts"
import { serve } from "../../protocol/server/grpcServer.ts"
import type { Route } from "../../protocol/server/grpcServer.ts"
import { integrationRoutes } from "../../protocol/server/integration.ts"
import { lifecycleRoutes } from "../../protocol/server/lifecycle.ts"
import { secretsRoutes } from "../../protocol/server/secrets.ts"
import { ProviderKind } from "../../protocol/gen/gestalt/provider/v1/runtime_pb.ts"
import { catalogOf } from "../../services/PluginCatalog.ts"
import type { Provider } from "./Provider.ts"

/**
 * The provider could not start: a missing or bad environment variable, a
 * socket it cannot listen on, a layer that failed to build.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProviderRuntimeError extends Schema.TaggedError<ProviderRuntimeError>()("ProviderRuntimeError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * The routes a provider serves: the lifecycle and its kind's service.
 *
 * @since 0.1.0
 * @category serving
 */
export const routesOf = (provider: Provider): ReadonlyArray<Route<unknown>> => {
  switch (provider.kind) {
    case "cache":
      return [...lifecycleRoutes({ kind: ProviderKind.CACHE, ...provider.identity }), ...cacheRoutes] as ReadonlyArray<Route<unknown>>
    case "secrets":
      return [...lifecycleRoutes({ kind: ProviderKind.SECRETS, ...provider.identity }), ...secretsRoutes] as ReadonlyArray<Route<unknown>>
    case "integration": {
      const { plugin } = provider
      return [
        ...lifecycleRoutes({
          kind: ProviderKind.INTEGRATION,
          name: plugin.name,
          displayName: plugin.displayName,
          description: plugin.description,
          configure: plugin.configure,
          healthCheck: plugin.healthCheck
        }),
        ...integrationRoutes(plugin)
      ]
    }
  }
}

/**
 * @since 0.1.0
 * @category options
 */
export interface ServeOptions {
  /** The unix socket path (or `unix://` target) to listen on. */
  readonly socket: string
  /** How long shutdown waits for calls in flight; default 10 s. */
  readonly drainMillis?: number
}

const socketPathOf = (target: string): string => target.replace(/^unix:(\/\/)?/, "")

/**
 * Builds the provider's layer and serves it until the scope closes.
 *
 * @since 0.1.0
 * @category serving
 */
export const serveProvider = (provider: Provider, options: ServeOptions): Effect.Effect<void, ProviderRuntimeError, Scope.Scope> =>
  Effect.gen(function*() {
    // Each kind's routes need what its layer gives; the union is checked by the constructors in Provider.ts.
    const context = yield* Layer.build(provider.layer as Layer.Layer<never, unknown>).pipe(
      Effect.mapError((cause) =>
        new ProviderRuntimeError({ message: `The services of the provider could not be built: ${String(cause)}`, cause })
      )
    )
    yield* serve(
      socketPathOf(options.socket),
      routesOf(provider) as ReadonlyArray<Route<never>>,
      options.drainMillis === undefined ? {} : { drainMillis: options.drainMillis }
    ).pipe(
      Effect.provideContext(context),
      Effect.mapError((error) => new ProviderRuntimeError({ message: error.message, cause: error }))
    )
  })

/**
 * Writes a plugin's static catalog as `catalog.yaml` (camelCase keys, as
 * Gestalt hosts read it).
 *
 * @since 0.1.0
 * @category catalog
 */
export const writeCatalog = (provider: Provider, path: string): Effect.Effect<void, ProviderRuntimeError> => {
  if (provider.kind !== "integration") {
    return Effect.fail(
      new ProviderRuntimeError({ message: `A ${provider.kind} provider has no catalog; only integration plugins do.` })
    )
  }
  // yaml is imported here, not at the top: a serving provider never needs it and it is 70 modules to load.
  return Effect.tryPromise({
    try: async () => {
      const { stringify } = await import("yaml")
      writeFileSync(path, stringify(catalogOf(provider.plugin)))
    },
    catch: (cause) => new ProviderRuntimeError({ message: `Cannot write the catalog to ${path}: ${String(cause)}`, cause })
  })
}

/** Completes when the process is no longer the child of `parentPid`. */
const parentGone = (parentPid: number): Effect.Effect<void> =>
  Effect.sync(() => process.ppid !== parentPid).pipe(
    Effect.repeat({ until: (gone) => gone, schedule: Schedule.spaced("500 millis") }),
    Effect.asVoid
  )

/**
 * Runs a provider as a Gestalt host starts it, from the environment (see
 * the module doc): writes the catalog, or serves until interrupted or
 * orphaned.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (
  provider: Provider,
  env: Readonly<Record<string, string | undefined>> = process.env
): Effect.Effect<void, ProviderRuntimeError> =>
  Effect.gen(function*() {
    const catalogPath = env["GESTALT_PLUGIN_WRITE_CATALOG"]
    if (catalogPath !== undefined && catalogPath !== "") return yield* writeCatalog(provider, catalogPath)
    const socket = env["GESTALT_PLUGIN_SOCKET"]
    if (socket === undefined || socket === "") {
      return yield* new ProviderRuntimeError({
        message: "GESTALT_PLUGIN_SOCKET is not set: a provider needs the unix socket path to listen on (a Gestalt or strata host sets it)."
      })
    }
    const parentText = env["GESTALT_PLUGIN_PARENT_PID"]
    const parentPid = parentText === undefined || parentText === "" ? undefined : Number(parentText)
    if (parentPid !== undefined && !Number.isSafeInteger(parentPid)) {
      return yield* new ProviderRuntimeError({ message: `GESTALT_PLUGIN_PARENT_PID is '${parentText}', not a process id.` })
    }
    yield* Effect.scoped(
      Effect.andThen(serveProvider(provider, { socket }), parentPid === undefined ? Effect.never : parentGone(parentPid))
    )
  })
