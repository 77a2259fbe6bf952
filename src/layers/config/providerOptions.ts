/**
 * Provider options checked against the provider types a registry knows:
 * each profile's `storage_provider.type` (and `credentials_provider.type`
 * and `metadata_provider.type`, when present) must be registered and its
 * `options` must decode with that factory's Schema (unknown keys rejected,
 * whatever the Schema's own excess-key policy).
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import type { ProviderRegistry } from "../../services/ProviderRegistry.ts"
import type { ConfigError, StorageConfig } from "../../services/StorageConfig.ts"
import { FILESYSTEM_PROFILE, FILESYSTEM_PROFILE_CONFIG } from "../../services/StorageConfig.ts"
import { problemsFromIssue } from "./issues.ts"
import { deepEqual } from "./merge.ts"
import type { Problem } from "./problems.ts"
import { toConfigError } from "./problems.ts"
import { sourcesOf } from "./sources.ts"

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
    const check = (
      base: ReadonlyArray<string>,
      spec: { readonly type: string; readonly options: unknown },
      what: string,
      factory: { readonly options: Schema.Codec<unknown, unknown> } | undefined,
      known: ReadonlyArray<string>
    ) => {
      if (factory === undefined) {
        problems.push({
          path: [...base, "type"],
          message: `unknown ${what} type '${spec.type}' (known types: ${known.join(", ")})`
        })
        return
      }
      const decoded = Schema.decodeUnknownResult(factory.options)(spec.options, {
        errors: "all",
        onExcessProperty: "error",
        reportInput: true
      })
      if (Result.isFailure(decoded)) problems.push(...problemsFromIssue(decoded.failure.issue, [...base, "options"]))
    }
    for (const [name, profile] of Object.entries(config.profiles)) {
      const credentials = profile.credentials_provider
      if (credentials !== undefined) {
        check(
          ["profiles", name, "credentials_provider"],
          { type: credentials.type, options: credentials.options ?? {} },
          "credentials provider",
          registry.credentials(credentials.type),
          registry.credentialsTypes()
        )
      }
      const spec = profile.storage_provider
      if (spec === undefined) continue
      if (name === FILESYSTEM_PROFILE && deepEqual(profile, FILESYSTEM_PROFILE_CONFIG)) continue
      check(["profiles", name, "storage_provider"], spec, "storage provider", registry.get(spec.type), registry.types())
      const metadata = profile.metadata_provider
      if (metadata !== undefined) {
        const factory = registry.metadata(metadata.type)
        check(["profiles", name, "metadata_provider"], metadata, "metadata provider", factory, registry.metadataTypes())
      }
    }
    return problems.length === 0
      ? Effect.void
      : Effect.fail(toConfigError(problems, sourcesOf(config), config.file))
  })
