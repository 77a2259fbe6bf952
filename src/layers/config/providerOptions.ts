/**
 * Provider options checked against the provider types a registry knows:
 * each profile's `storage_provider.type` (and `credentials_provider.type`)
 * must be registered and its `options` must decode with that factory's
 * Schema (unknown keys rejected, whatever the Schema's own excess-key policy).
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import type { ProviderRegistry } from "../../services/ProviderRegistry.ts"
import type { ConfigError, ProviderSpec, StorageConfig } from "../../services/StorageConfig.ts"
import { FILESYSTEM_PROFILE, FILESYSTEM_PROFILE_CONFIG } from "../../services/StorageConfig.ts"
import { problemsFromIssue } from "./issues.ts"
import { deepEqual } from "./merge.ts"
import type { Problem } from "./problems.ts"
import { toConfigError } from "./problems.ts"
import { sourcesOf } from "./sources.ts"

/** Problems of one profile's `credentials_provider`: an unknown type or options that do not decode. */
const credentialsProblems = (
  name: string,
  spec: ProviderSpec | undefined,
  registry: ProviderRegistry["Service"]
): ReadonlyArray<Problem> => {
  if (spec === undefined) return []
  const base = ["profiles", name, "credentials_provider"]
  const factory = registry.getCredentials(spec.type)
  if (factory === undefined) {
    return [{
      path: [...base, "type"],
      message: `unknown credentials provider type '${spec.type}' (known types: ${registry.credentialsTypes().join(", ")})`
    }]
  }
  const decoded = Schema.decodeUnknownResult(factory.options)(spec.options ?? {}, {
    errors: "all",
    onExcessProperty: "error",
    reportInput: true
  })
  return Result.isFailure(decoded) ? problemsFromIssue(decoded.failure.issue, [...base, "options"]) : []
}

/**
 * Succeeds when every profile's provider type is registered and its options
 * decode; otherwise one `ConfigError` listing every problem with file, line,
 * column and JSON path (e.g. `profiles.data.storage_provider.options.bse_path`).
 *
 * The built-in `__filesystem__` profile is not checked: a registry without
 * the `file` type can still serve configs that never touch local paths.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateProviderOptions = (
  config: StorageConfig,
  registry: ProviderRegistry["Service"]
): Effect.Effect<void, ConfigError> =>
  Effect.suspend(() => {
    const problems: Array<Problem> = []
    for (const [name, profile] of Object.entries(config.profiles)) {
      problems.push(...credentialsProblems(name, profile.credentials_provider, registry))
      const spec = profile.storage_provider
      if (spec === undefined) continue
      if (name === FILESYSTEM_PROFILE && deepEqual(profile, FILESYSTEM_PROFILE_CONFIG)) continue
      const base = ["profiles", name, "storage_provider"]
      const factory = registry.get(spec.type)
      if (factory === undefined) {
        problems.push({
          path: [...base, "type"],
          message: `unknown storage provider type '${spec.type}' (known types: ${registry.types().join(", ")})`
        })
        continue
      }
      const decoded = Schema.decodeUnknownResult(factory.options)(spec.options, {
        errors: "all",
        onExcessProperty: "error",
        reportInput: true
      })
      if (Result.isFailure(decoded)) problems.push(...problemsFromIssue(decoded.failure.issue, [...base, "options"]))
    }
    return problems.length === 0
      ? Effect.void
      : Effect.fail(toConfigError(problems, sourcesOf(config), config.file))
  })
