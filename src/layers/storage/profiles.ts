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
 * A profile's `metadata_provider` is built the same way, separately (so a
 * broken manifest does not take the storage stack down with it), over the
 * profile's storage stack, with the profile's `autocommit` running in its
 * scope; `metadata` gives it with the storage seen through it
 * (`MetadataStorage.withMetadata`).
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, Option, Schema, Scope } from "effect"
import type { MetadataProviderShape } from "../../services/MetadataProvider.ts"
import { implicitProfile } from "../../services/StorageUrl.ts"
import { withMetadata } from "../MetadataStorage.ts"
import type { ProviderRegistry } from "../../services/ProviderRegistry.ts"
import type { ConfigError, ProfileConfig, StorageConfig } from "../../services/StorageConfig.ts"
import { FILESYSTEM_PROFILE } from "../../services/StorageConfig.ts"
import { StorageError, storageError } from "../../services/StorageProvider.ts"
import type { StorageProviderShape } from "../../services/StorageProvider.ts"
import { startAutocommit } from "./commit.ts"
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

const fromConfigError = (profile: string, error: ConfigError, what: string): StorageError => {
  // A message that names its file already says where.
  const where = error.file !== undefined && error.message.includes(error.file)
    ? ""
    : [error.file, error.line === undefined ? undefined : `line ${error.line}`, error.path]
      .filter((part) => part !== undefined).join(", ")
  return new StorageError({
    reason: "Unsupported",
    operation: "provider",
    profile,
    message: `The ${what} of profile '${profile}' cannot be built: ${oneLine(error.message)}${
      where === "" ? "" : ` (${where})`
    }.`,
    cause: error
  })
}

/** A factory's options decoded with its Schema; unknown keys are rejected. */
const decodeOptions = <A>(profile: string, what: string, type: string, schema: Schema.Codec<A, unknown>, input: unknown) =>
  Schema.decodeUnknownEffect(schema)(input, { onExcessProperty: "error" }).pipe(
    Effect.mapError((error) =>
      storageError(
        "Unsupported",
        `The options of profile '${profile}' (${what} type '${type}') are invalid: ${oneLine(error.message)}.`,
        { operation: "provider", cause: error }
      )
    )
  )

/**
 * @since 0.1.0
 * @category models
 */
export interface ProfileProviders {
  /** The profile's config: from the file, `__filesystem__`, or an implicit `_s3-b` style profile. */
  readonly profileConfig: (profile: string) => Effect.Effect<ProfileConfig, StorageError>
  /** The profile's provider stack, built on first use; concurrent first uses share one build. */
  readonly get: (profile: string) => Effect.Effect<StorageProviderShape, StorageError>
  /** The profile's metadata provider and its storage seen through it; none without `metadata_provider`. */
  readonly metadata: (profile: string) => Effect.Effect<Option.Option<ProfileMetadata>, StorageError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ProfileMetadata {
  readonly provider: MetadataProviderShape
  /** The profile's storage with listings and paths from `provider`. */
  readonly view: StorageProviderShape
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
      const decoded = yield* decodeOptions(profile, "provider", spec.type, factory.options, spec.options)
      const credentials = yield* buildCredentials(registry, profile, settings, config.file)
      const provider = yield* factory.make(decoded, { profile, file: config.file, credentials })
      return wrap === undefined ? provider : yield* wrap(profile, settings, provider)
    })

  /**
   * Builds once per profile, in a child scope of the client's (closed again
   * if the build fails); concurrent first uses share one build.
   */
  const memoized = <A>(
    what: string,
    make: (profile: string) => Effect.Effect<A, StorageError | ConfigError, Scope.Scope>
  ) => {
    const builds = new Map<string, Deferred.Deferred<A, StorageError>>()
    const buildScoped = (profile: string): Effect.Effect<A, StorageError> =>
      Effect.gen(function*() {
        const child = yield* Scope.fork(scope)
        return yield* make(profile).pipe(
          Scope.provide(child),
          Effect.onExit((exit) => (Exit.isFailure(exit) ? Scope.close(child, exit) : Effect.void))
        )
      }).pipe(
        Effect.mapError((error) =>
          error instanceof StorageError ? withProfile(error, profile) : fromConfigError(profile, error, what)
        )
      )
    return (profile: string): Effect.Effect<A, StorageError> =>
      Effect.suspend(() => {
        const pending = builds.get(profile)
        if (pending !== undefined) return Deferred.await(pending)
        // Registered synchronously, so a concurrent first use finds it and waits.
        const deferred = Deferred.makeUnsafe<A, StorageError>()
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
  }

  const get = memoized("storage provider", build)

  /** Another profile's storage, to keep manifests in (MSC's `storage_provider_profile`). */
  const storageOf = (owner: string) => (profile: string): Effect.Effect<StorageProviderShape, StorageError> =>
    Effect.flatMap(profileConfig(profile), (settings) =>
      settings.metadata_provider === undefined
        ? get(profile)
        : Effect.fail(storageError(
          "Unsupported",
          `Profile '${profile}' cannot hold the manifests of profile '${owner}': it has a metadata_provider of its own.`,
          { operation: "provider" }
        )))

  const buildMetadata = (profile: string) =>
    Effect.gen(function*() {
      const settings = yield* profileConfig(profile)
      const spec = settings.metadata_provider
      if (spec === undefined) return Option.none<ProfileMetadata>()
      const factory = registry.metadata(spec.type)
      if (factory === undefined) {
        return yield* storageError(
          "Unsupported",
          `Profile '${profile}' uses metadata provider type '${spec.type}', which is not available in this build; ` +
            `registered types: ${registry.metadataTypes().join(", ")}.`,
          { operation: "provider" }
        )
      }
      const decoded = yield* decodeOptions(profile, "metadata provider", spec.type, factory.options, spec.options)
      const storage = yield* get(profile)
      const provider = yield* factory.make(decoded, { profile, file: config.file, storage, storageOf: storageOf(profile) })
      yield* startAutocommit(profile, provider, settings.autocommit)
      return Option.some({ provider, view: withMetadata(storage, provider) })
    })

  return { profileConfig, get, metadata: memoized("metadata provider", buildMetadata) }
}
