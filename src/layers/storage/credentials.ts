/**
 * A profile's `credentials_provider`, built from the credentials types of the
 * registry and handed to its storage provider in `ProviderContext`. Failures
 * are `StorageError`s naming the profile; option errors name the JSON path but
 * never show a value (they may be secrets).
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import type { Scope } from "effect"
import { credentialsStorageError } from "../../services/Credentials.ts"
import type { CredentialsProviderShape } from "../../services/Credentials.ts"
import type { ProviderRegistry } from "../../services/ProviderRegistry.ts"
import type { ConfigError, ProfileConfig } from "../../services/StorageConfig.ts"
import { StorageError } from "../../services/StorageProvider.ts"
import { problemsFromIssue } from "../config/issues.ts"
import { formatPath } from "../config/problems.ts"

/**
 * Builds the profile's credentials provider, or gives `undefined` when the
 * profile names none.
 *
 * @since 0.1.0
 * @category constructors
 */
export const buildCredentials = (
  registry: ProviderRegistry["Service"],
  profile: string,
  settings: ProfileConfig,
  file: string | undefined
): Effect.Effect<CredentialsProviderShape | undefined, StorageError | ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const spec = settings.credentials_provider
    if (spec === undefined) return undefined
    const unsupported = (message: string, cause?: unknown) =>
      new StorageError({ reason: "Unsupported", operation: "credentials", profile, message, cause })
    const factory = registry.credentials(spec.type)
    if (factory === undefined) {
      return yield* unsupported(
        `Profile '${profile}' uses credentials provider type '${spec.type}', which is not available in this build; ` +
          `registered types: ${registry.credentialsTypes().join(", ")}.`
      )
    }
    const options = yield* Schema.decodeUnknownEffect(factory.options)(spec.options ?? {}, { errors: "all", onExcessProperty: "error" }).pipe(
      Effect.mapError((error) => {
        const problems = problemsFromIssue(error.issue, ["profiles", profile, "credentials_provider", "options"])
          .map((problem) => `${formatPath(problem.path)}: ${problem.message.replace(/\.$/, "")}`)
        return unsupported(
          `The credentials_provider options of profile '${profile}' (type '${spec.type}') are invalid: ${problems.join("; ")}.`,
          error
        )
      })
    )
    return yield* factory.make(options, { profile, file }).pipe(
      Effect.catchTag("CredentialsError", (error) =>
        Effect.fail(credentialsStorageError(error, { operation: "credentials", profile })))
    )
  })
