/**
 * Named secrets (the Gestalt secrets provider surface): `get` gives a
 * secret's value as a `Redacted` string, so it never reaches logs, spans or
 * error messages. Served over gRPC and consumed from a remote provider like
 * any other service.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Redacted, Schema } from "effect"

/**
 * @since 0.1.0
 * @category errors
 */
export const SecretsErrorReason = Schema.Literals(["NotFound", "Unavailable", "InvalidName"])
export type SecretsErrorReason = typeof SecretsErrorReason.Type

/**
 * The one error of the secrets service; the message names the secret, never
 * its value.
 *
 * @since 0.1.0
 * @category errors
 */
export class SecretsError extends Schema.TaggedError<SecretsError>()("SecretsError", {
  reason: SecretsErrorReason,
  name: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface SecretsShape {
  readonly get: (name: string) => Effect.Effect<Redacted.Redacted<string>, SecretsError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class Secrets extends Context.Service<Secrets, SecretsShape>()("strata/Secrets") {}

/**
 * Secrets from a fixed table (tests, examples, values from a config file).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (secrets: Readonly<Record<string, string | Redacted.Redacted<string>>>): Layer.Layer<Secrets> =>
  Layer.succeed(
    Secrets,
    Secrets.of({
      get: (name) => {
        const value = Object.hasOwn(secrets, name) ? secrets[name] : undefined
        if (value === undefined) {
          return Effect.fail(new SecretsError({ reason: "NotFound", name, message: `There is no secret named '${name}'.` }))
        }
        return Effect.succeed(typeof value === "string" ? Redacted.make(value) : value)
      }
    })
  )
