/**
 * The resolved config printed back (for `strata config validate`): includes
 * merged, variables expanded, defaults filled in, credentials redacted.
 *
 * @since 0.1.0
 */
import { stringify } from "yaml"
import type { StorageConfig } from "../../services/StorageConfig.ts"
import { redact } from "./secrets.ts"

/**
 * The config in MSC's file format (so the output is itself a valid config,
 * `path_mapping` longest prefix first), with the values of credential-looking
 * keys (`secret_key`, `access_key`, `session_token`, `connection`,
 * `password` ...) replaced by `<redacted>`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderConfig = (config: StorageConfig, format: "yaml" | "json"): string => {
  const document = redact({
    profiles: config.profiles,
    ...(config.pathMapping.length === 0
      ? {}
      : { path_mapping: Object.fromEntries(config.pathMapping.map(({ prefix, profile }) => [prefix, `msc://${profile}/`])) }),
    ...(config.cache === undefined ? {} : { cache: config.cache }),
    ...(config.opentelemetry === undefined ? {} : { opentelemetry: config.opentelemetry }),
    ...(config.posix === undefined ? {} : { posix: config.posix })
  })
  return format === "json" ? `${JSON.stringify(document, null, 2)}\n` : stringify(document)
}
