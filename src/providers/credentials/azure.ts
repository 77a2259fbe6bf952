/**
 * MSC's `AzureCredentials` credentials provider type: an Azure Storage
 * connection string (option `connection`, usually `"${AZURE_CONN}"` so it
 * comes from the environment), handed to the `azure` storage provider as the
 * credentials' `accessKey`, as MSC does. It does not expire; `refresh` has
 * nothing to do.
 *
 * ```yaml
 * credentials_provider:
 *   type: AzureCredentials
 *   options: {connection: "${AZURE_STORAGE_CONNECTION_STRING}"}
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Schema } from "effect"
import { CredentialsError } from "../../services/Credentials.ts"
import type { CredentialsFactory } from "../../services/Credentials.ts"
import { closedOptions } from "../../services/ProviderRegistry.ts"

/**
 * @since 0.1.0
 * @category models
 */
export const AzureCredentialsOptions = closedOptions({ connection: Schema.String })
export type AzureCredentialsOptions = typeof AzureCredentialsOptions.Type

/**
 * The `AzureCredentials` type. An empty connection string is refused here,
 * naming the profile; its content is checked by the storage provider.
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: CredentialsFactory<AzureCredentialsOptions> = {
  type: "AzureCredentials",
  options: AzureCredentialsOptions,
  make: (options, { profile }) => {
    if (options.connection.trim() === "") {
      return Effect.fail(new CredentialsError({
        reason: "Invalid",
        message: `The AzureCredentials of profile '${profile}' have an empty 'connection' option.`
      }))
    }
    const credentials = { accessKey: Redacted.make(options.connection), secretKey: Redacted.make("") }
    return Effect.succeed({ get: Effect.succeed(credentials), refresh: Effect.void })
  }
}
