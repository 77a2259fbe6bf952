/**
 * The `gcs` provider type for config files: its options (MSC's names) and
 * a factory that loads `gcs.ts`, and with it `@google-cloud/storage`, only when a
 * profile of this type is built, so programs that never touch it do not pay
 * for loading the SDK.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { closedOptions, makeOnDemand } from "../../services/ProviderRegistry.ts"
import type { ProviderFactory } from "../../services/ProviderRegistry.ts"
import { PositiveInt, PositiveSeconds } from "./objectStore.ts"

/**
 * Options of the `gcs` provider type: MSC's names, plus the strata extension
 * `timeout` (seconds per request).
 *
 * @since 0.1.0
 * @category models
 */
export const GcsOptions = closedOptions({
  base_path: Schema.String,
  project_id: Schema.optional(Schema.String),
  endpoint_url: Schema.optional(Schema.String),
  skip_signature: Schema.optional(Schema.Boolean),
  multipart_threshold: Schema.optional(PositiveInt),
  multipart_chunksize: Schema.optional(PositiveInt),
  io_chunksize: Schema.optional(PositiveInt),
  max_concurrency: Schema.optional(PositiveInt),
  max_pool_connections: Schema.optional(PositiveInt),
  rust_client: Schema.optional(Schema.Unknown),
  timeout: Schema.optional(PositiveSeconds)
})
export type GcsOptions = typeof GcsOptions.Type

/**
 * The `gcs` provider type for config files.
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: ProviderFactory<GcsOptions> = {
  type: "gcs",
  options: GcsOptions,
  make: makeOnDemand(() => import("./gcs.ts"))
}
