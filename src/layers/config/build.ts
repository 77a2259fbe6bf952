/**
 * The checks that need the whole merged config, and the `StorageConfig` it
 * becomes: `__filesystem__` is added (or must equal the built-in one),
 * replicas must name other existing profiles without replicas of their own,
 * path_mapping targets must exist, and mappings are sorted longest prefix
 * first.
 *
 * @since 0.1.0
 */
import type { PathMapping, ProfileConfig, StorageConfig } from "../../services/StorageConfig.ts"
import type { ConfigFile } from "../../services/StorageConfigFile.ts"
import { FILESYSTEM_PROFILE, FILESYSTEM_PROFILE_CONFIG } from "../../services/StorageConfig.ts"
import { isKnownProfile } from "../../services/StorageUrl.ts"
import { deepEqual } from "./merge.ts"
import type { Problem } from "./problems.ts"

type Profile = NonNullable<ConfigFile["profiles"]>[string]

const toProfileConfig = (profile: Profile): ProfileConfig => {
  // provider_bundle and storage_provider_profiles were refused by the Schema.
  const { provider_bundle: _, storage_provider_profiles: __, replicas, ...rest } = profile
  return replicas === undefined
    ? rest
    : { ...rest, replicas: replicas.toSorted((a, b) => a.read_priority - b.read_priority) }
}

/**
 * The resolved config, or the problems that prevent it.
 *
 * @since 0.1.0
 * @category building
 */
export const buildStorageConfig = (
  content: Omit<ConfigFile, "include">,
  file: string | undefined
): { readonly config: StorageConfig; readonly problems: ReadonlyArray<Problem> } => {
  const problems: Array<Problem> = []
  const written = content.profiles ?? {}
  const profiles: Record<string, ProfileConfig> = {}
  for (const [name, profile] of Object.entries(written)) profiles[name] = toProfileConfig(profile)

  const filesystem = profiles[FILESYSTEM_PROFILE]
  if (filesystem === undefined) profiles[FILESYSTEM_PROFILE] = FILESYSTEM_PROFILE_CONFIG
  else if (!deepEqual(filesystem, FILESYSTEM_PROFILE_CONFIG)) {
    problems.push({
      path: ["profiles", FILESYSTEM_PROFILE],
      at: "key",
      message: `the reserved profile '${FILESYSTEM_PROFILE}' cannot be redefined with different settings ` +
        `(it is always storage_provider {type: file, options: {base_path: /}})`
    })
  }

  for (const [name, profile] of Object.entries(written)) {
    profile.replicas?.forEach((replica, index) => {
      const target = replica.replica_profile
      const path = ["profiles", name, "replicas", index, "replica_profile"]
      if (target === name) problems.push({ path, message: `a profile cannot be its own replica` })
      else if (!Object.hasOwn(written, target)) {
        problems.push({ path, message: `replica profile '${target}' is not defined` })
      } else if ((written[target]?.replicas?.length ?? 0) > 0) {
        problems.push({ path, message: `replica profile '${target}' has replicas of its own, which is not allowed` })
      }
    })
  }

  const draft: StorageConfig = { file, profiles, pathMapping: [] }
  const pathMapping: Array<PathMapping> = []
  for (const [prefix, target] of Object.entries(content.path_mapping ?? {})) {
    const profile = target.slice("msc://".length, -1)
    if (isKnownProfile(draft, profile)) pathMapping.push({ prefix, profile })
    else {
      problems.push({
        path: ["path_mapping", prefix],
        message: `maps to profile '${profile}', which is not defined (known profiles: ${
          Object.keys(profiles).toSorted().join(", ")
        })`
      })
    }
  }
  // Stable sort: equal lengths keep file order.
  pathMapping.sort((a, b) => b.prefix.length - a.prefix.length)

  return {
    config: {
      ...draft,
      pathMapping,
      ...(content.cache === undefined ? {} : { cache: content.cache }),
      ...(content.opentelemetry === undefined ? {} : { opentelemetry: content.opentelemetry }),
      ...(content.posix === undefined ? {} : { posix: content.posix })
    },
    problems
  }
}
