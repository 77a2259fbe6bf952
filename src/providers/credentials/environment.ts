/**
 * Credentials from the environment, as the AWS tools read them:
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary ones,
 * `AWS_SESSION_TOKEN`. The variables are read on every `get` (they are cheap
 * to read and a test or a wrapper script may change them), so `refresh` has
 * nothing to do. Config files name this type `EnvironmentCredentials` (a
 * strata extension: MSC leaves the environment to the SDK's default chain).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Redacted } from "effect"
import { CredentialsError, CredentialsProvider } from "../../services/Credentials.ts"
import type { CredentialsFactory, CredentialsProviderShape } from "../../services/Credentials.ts"
import { closedOptions } from "../../services/ProviderRegistry.ts"

/**
 * A provider over `env` (the process environment by default).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (env: Readonly<Record<string, string | undefined>> = process.env): CredentialsProviderShape => ({
  get: Effect.suspend(() => {
    const accessKey = env["AWS_ACCESS_KEY_ID"]
    const secretKey = env["AWS_SECRET_ACCESS_KEY"]
    const missing = [
      ...(accessKey === undefined || accessKey === "" ? ["AWS_ACCESS_KEY_ID"] : []),
      ...(secretKey === undefined || secretKey === "" ? ["AWS_SECRET_ACCESS_KEY"] : [])
    ]
    if (missing.length > 0 || accessKey === undefined || secretKey === undefined) {
      return Effect.fail(new CredentialsError({
        reason: "NotFound",
        message: `No credentials in the environment: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set.`
      }))
    }
    const token = env["AWS_SESSION_TOKEN"]
    return Effect.succeed({
      accessKey: Redacted.make(accessKey),
      secretKey: Redacted.make(secretKey),
      ...(token === undefined || token === "" ? {} : { token: Redacted.make(token) })
    })
  }),
  refresh: Effect.void
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<CredentialsProvider> = Layer.sync(CredentialsProvider, () => make())

/**
 * @since 0.1.0
 * @category constructors
 */
export const factory: CredentialsFactory<{}> = {
  type: "EnvironmentCredentials",
  options: closedOptions({}),
  make: () => Effect.succeed(make())
}
