/**
 * One provider stack per profile, built on first use and then shared: the
 * profile's `storage_provider` type is looked up in the registry, its options
 * decoded with the factory's Schema, the provider made in a scope of its own
 * (a child of the client's), and the `wrap` hook applied.
 *
 * Build failures are `StorageError`s (the client's one error type): reason
 * `NotFound` for an unknown profile, `Unsupported` for a profile this build
 * cannot serve (no `storage_provider`, an unregistered type, options that do
 * not decode, or a `ConfigError` from a factory, which is kept as `cause`).
 * A failed build is forgotten, so the next use tries again.
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, Schema, Scope } from "effect"
import { implicitProfile } from "../../services/StorageUrl.ts"
import type { ProviderRegistry } from "../../services/ProviderRegistry.ts"
import type { ConfigError, ProfileConfig, StorageConfig } from "../../services/StorageConfig.ts"
import { FILESYSTEM_PROFILE } from "../../services/StorageConfig.ts"
import { StorageError, storageError } from "../../services/StorageProvider.ts"
import type { StorageProviderShape } from "../../services/StorageProvider.ts"
import { buildCredentials } from "./credentials.ts"
import { withProfile } from "./errors.ts"

/**
 * Wraps a profile's freshly built provider (retry, instrumentation, read
 * cache ...). Runs once per profile, in the profile's scope.
 *
 * @since 0.1.0
 * @category models
 */
export type ProviderWrap = (
  profile: string,
  config: ProfileConfig,
  provider: StorageProviderShape
) => Effect.Effect<StorageProviderShape, StorageError | ConfigError, Scope.Scope>

/** One sentence from a possibly multi-line message, without a doubled full stop. */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, "; ").replace(/[.\s]+$/, "")

const fromConfigError = (profile: string, error: ConfigError): StorageError => {
  const where = [error.file, error.path].filter((part) => part !== undefined).join(", ")
  return new StorageError({
    reason: "Unsupported",
    operation: "provider",
    profile,
    message: `The storage provider of profile '${profile}' cannot be built: ${oneLine(error.message)}${
      where === "" ? "" : ` (${where})`
    }.`,
    cause: error
  })
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ProfileProviders {
  /** The profile's config: from the file, `__filesystem__`, or an implicit `_s3-b` style profile. */
  readonly profileConfig: (profile: string) => Effect.Effect<ProfileConfig, StorageError>
  /** The profile's provider stack, built on first use; concurrent first uses share one build. */
  readonly get: (profile: string) => Effect.Effect<StorageProviderShape, StorageError>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeProfileProviders = (options: {
  readonly config: StorageConfig
  readonly registry: ProviderRegistry["Service"]
  readonly scope: Scope.Scope
  readonly wrap?: ProviderWrap | undefined
}): ProfileProviders => {
  const { config, registry, scope, wrap } = options
  const builds = new Map<string, Deferred.Deferred<StorageProviderShape, StorageError>>()

  const profileConfig = (profile: string): Effect.Effect<ProfileConfig, StorageError> => {
    // `implicitProfile` also gives `__filesystem__` when a hand-built config leaves it out.
    const found = Object.hasOwn(config.profiles, profile) ? config.profiles[profile] : implicitProfile(profile)
    if (found !== undefined) return Effect.succeed(found)
    const known = [...new Set([...Object.keys(config.profiles), FILESYSTEM_PROFILE])].toSorted()
    return Effect.fail(
      new StorageError({
        reason: "NotFound",
        operation: "provider",
        profile,
        message: `Unknown profile '${profile}'${
          config.file === undefined ? "" : ` (config: ${config.file})`
        }; known profiles: ${known.join(", ")}.`
      })
    )
  }

  const build = (profile: string): Effect.Effect<StorageProviderShape, StorageError | ConfigError, Scope.Scope> =>
    Effect.gen(function*() {
      const settings = yield* profileConfig(profile)
      const spec = settings.storage_provider
      if (spec === undefined) {
        return yield* new StorageError({
          reason: "Unsupported",
          operation: "provider",
          profile,
          message: `Profile '${profile}' has no storage_provider; this build only serves profiles that name one.`
        })
      }
      const factory = registry.get(spec.type)
      if (factory === undefined) {
        return yield* new StorageError({
          reason: "Unsupported",
          operation: "provider",
          profile,
          message: `Profile '${profile}' uses provider type '${spec.type}', which is not available in this build; ` +
            `registered types: ${registry.types().join(", ")}.`
        })
      }
      const decoded = yield* Schema.decodeUnknownEffect(factory.options)(spec.options, { onExcessProperty: "error" }).pipe(
        Effect.mapError((error) =>
          storageError(
            "Unsupported",
            `The options of profile '${profile}' (provider type '${spec.type}') are invalid: ${oneLine(error.message)}.`,
            { operation: "provider", cause: error }
          )
        )
      )
      const credentials = yield* buildCredentials(registry, profile, settings, config.file)
      const provider = yield* factory.make(decoded, { profile, file: config.file, credentials })
      return wrap === undefined ? provider : yield* wrap(profile, settings, provider)
    })

  /** Builds in a child scope of the client's, closed again if the build fails. */
  const buildScoped = (profile: string): Effect.Effect<StorageProviderShape, StorageError> =>
    Effect.gen(function*() {
      const child = yield* Scope.fork(scope)
      return yield* build(profile).pipe(
        Scope.provide(child),
        Effect.onExit((exit) => (Exit.isFailure(exit) ? Scope.close(child, exit) : Effect.void))
      )
    }).pipe(
      Effect.mapError((error) =>
        error instanceof StorageError ? withProfile(error, profile) : fromConfigError(profile, error)
      )
    )

  const get = (profile: string): Effect.Effect<StorageProviderShape, StorageError> =>
    Effect.suspend(() => {
      const pending = builds.get(profile)
      if (pending !== undefined) return Deferred.await(pending)
      // Registered synchronously, so a concurrent first use finds it and waits.
      const deferred = Deferred.makeUnsafe<StorageProviderShape, StorageError>()
      builds.set(profile, deferred)
      // The build runs in its own fiber in the client's scope, so interrupting
      // the first caller does not leave the others waiting forever.
      return buildScoped(profile).pipe(
        Effect.onExit((exit) => {
          if (Exit.isFailure(exit)) builds.delete(profile)
          return Deferred.done(deferred, exit)
        }),
        Effect.forkIn(scope),
        Effect.andThen(Deferred.await(deferred))
      )
    })

  return { profileConfig, get }
}
