/**
 * Fixed credentials: MSC's `S3Credentials` type (`access_key`, `secret_key`,
 * `session_token`), or any `Credentials` value given in code. They never
 * change, so `refresh` does nothing.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema } from "effect"
import { CredentialsProvider } from "../../services/Credentials.ts"
import type { Credentials, CredentialsFactory, CredentialsProviderShape } from "../../services/Credentials.ts"
import { closedOptions } from "../../services/ProviderRegistry.ts"

/**
 * A provider that always gives `credentials`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (credentials: Credentials): CredentialsProviderShape => ({
  get: Effect.succeed(credentials),
  refresh: Effect.void
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (credentials: Credentials): Layer.Layer<CredentialsProvider> =>
  Layer.succeed(CredentialsProvider, make(credentials))

const Secret = Schema.RedactedFromValue(Schema.String)

/**
 * Options of the `S3Credentials` type, as MSC spells them; the values are
 * `Redacted` from the moment they are decoded.
 *
 * @since 0.1.0
 * @category models
 */
export const S3CredentialsOptions = closedOptions({
  access_key: Secret,
  secret_key: Secret,
  session_token: Schema.optional(Secret)
})
export type S3CredentialsOptions = typeof S3CredentialsOptions.Type

/**
 * The `S3Credentials` type for config files.
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: CredentialsFactory<S3CredentialsOptions> = {
  type: "S3Credentials",
  options: S3CredentialsOptions,
  make: (options) =>
    Effect.succeed(make({
      accessKey: options.access_key,
      secretKey: options.secret_key,
      ...(options.session_token === undefined ? {} : { token: options.session_token })
    }))
}
