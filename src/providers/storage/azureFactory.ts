/**
 * The `azure` provider type for config files: its options (MSC's names) and
 * a factory that loads `azure.ts`, and with it `@azure/storage-blob`, only when a
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
 * Options of the `azure` provider type: MSC's names, plus the strata
 * extensions `connection_string`, `account_name`, `account_key` and `timeout`.
 *
 * @since 0.1.0
 * @category models
 */
export const AzureOptions = closedOptions({
  base_path: Schema.String,
  endpoint_url: Schema.optional(Schema.String),
  multipart_threshold: Schema.optional(PositiveInt),
  multipart_chunksize: Schema.optional(PositiveInt),
  io_chunksize: Schema.optional(PositiveInt),
  max_concurrency: Schema.optional(PositiveInt),
  validate_content: Schema.optional(Schema.Boolean),
  connection_string: Schema.optional(Schema.String),
  account_name: Schema.optional(Schema.String),
  account_key: Schema.optional(Schema.String),
  timeout: Schema.optional(PositiveSeconds)
})
export type AzureOptions = typeof AzureOptions.Type

/**
 * The `azure` provider type for config files.
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: ProviderFactory<AzureOptions> = {
  type: "azure",
  options: AzureOptions,
  make: makeOnDemand(() => import("./azure.ts"))
}
