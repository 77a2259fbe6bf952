/**
 * The `s3` provider type as config files name it: its options Schema (MSC's
 * spellings; see `s3.ts` for the table) and a factory that loads the provider
 * and the AWS SDK only when a profile of this type is built, so programs that
 * never touch S3 do not pay for loading the SDK.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { closedOptions, makeOnDemand } from "../../services/ProviderRegistry.ts"
import type { ProviderFactory } from "../../services/ProviderRegistry.ts"
import { PositiveInt, PositiveSeconds } from "./objectStore.ts"

const ChecksumMode = Schema.Literals(["when_supported", "when_required"])

/**
 * Options of the `s3` provider type, as MSC spells them (see the table
 * above); unknown keys are rejected.
 *
 * @since 0.1.0
 * @category models
 */
export const S3Options = closedOptions({
  base_path: Schema.String,
  region_name: Schema.optional(Schema.String),
  endpoint_url: Schema.optional(Schema.String),
  profile_name: Schema.optional(Schema.String),
  verify: Schema.optional(Schema.Union([Schema.Boolean, Schema.String])),
  signature_version: Schema.optional(Schema.String),
  request_checksum_calculation: Schema.optional(ChecksumMode),
  response_checksum_validation: Schema.optional(ChecksumMode),
  max_pool_connections: Schema.optional(PositiveInt),
  connect_timeout: Schema.optional(PositiveSeconds),
  read_timeout: Schema.optional(PositiveSeconds),
  retries: Schema.optional(Schema.Unknown),
  s3: Schema.optional(closedOptions({ addressing_style: Schema.optional(Schema.Literals(["path", "virtual", "auto"])) })),
  checksum_algorithm: Schema.optional(Schema.Literals(["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])),
  multipart_threshold: Schema.optional(PositiveInt),
  multipart_chunksize: Schema.optional(PositiveInt),
  io_chunksize: Schema.optional(PositiveInt),
  max_concurrency: Schema.optional(PositiveInt),
  rust_client: Schema.optional(Schema.Unknown),
  conditional_reads: Schema.optional(Schema.Boolean),
  conditional_writes: Schema.optional(Schema.Boolean)
})
export type S3Options = typeof S3Options.Type

/**
 * The `s3` provider type for config files (see `s3.ts`, `makeForProfile`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: ProviderFactory<S3Options> = {
  type: "s3",
  options: S3Options,
  make: makeOnDemand(() => import("./s3.ts").then((s3) => ({ make: s3.makeForProfile })))
}
