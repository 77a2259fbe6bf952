/**
 * A `Secrets` whose values come from a remote Gestalt secrets provider.
 * Values are wrapped in `Redacted` as soon as they arrive.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Redacted, Schema } from "effect"
import { Secrets, SecretsError, SecretsErrorReason } from "../../services/Secrets.ts"
import type { SecretsShape } from "../../services/Secrets.ts"
import { Code } from "../codecs/status.ts"
import { SecretsProvider } from "../gen/gestalt/provider/v1/secrets_pb.ts"
import * as Channel from "./channel.ts"

const isReason = Schema.is(SecretsErrorReason)

/**
 * A `Secrets` over a channel to a `SecretsProvider` server.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (channel: Channel.Channel): SecretsShape =>
  Secrets.of({
    get: (name) =>
      channel.unary(SecretsProvider.method.getSecret, { name }).pipe(
        Effect.map((response) => Redacted.make(response.value)),
        Effect.mapError((error) =>
          new SecretsError({
            reason: isReason(error.reason) ? error.reason : error.code === Code.NOT_FOUND ? "NotFound" : "Unavailable",
            name,
            message: error.code === Code.NOT_FOUND && error.reason === undefined
              ? `The secrets provider at ${channel.target} has no secret named '${name}'.`
              : error.message,
            cause: error
          })
        )
      )
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layerChannel = (channel: Channel.Channel): Layer.Layer<Secrets> => Layer.succeed(Secrets, make(channel))

/**
 * A `Secrets` layer over the provider listening on a socket path.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSocket = (target: string): Layer.Layer<Secrets> =>
  Layer.effect(Secrets, Effect.map(Channel.open(target), make))
