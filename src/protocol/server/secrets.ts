/**
 * Serves any `Secrets` layer as the Gestalt `SecretsProvider` service: a
 * missing secret is NOT_FOUND, as every Gestalt SDK reports it.
 *
 * @since 0.1.0
 */
import { Effect, Redacted } from "effect"
import { Secrets } from "../../services/Secrets.ts"
import type { SecretsError } from "../../services/Secrets.ts"
import { Code, RpcError } from "../codecs/status.ts"
import { SecretsProvider } from "../gen/gestalt/provider/v1/secrets_pb.ts"
import { route } from "./grpcServer.ts"
import type { Route } from "./grpcServer.ts"

const codeOf = (error: SecretsError): number =>
  error.reason === "NotFound" ? Code.NOT_FOUND : error.reason === "InvalidName" ? Code.INVALID_ARGUMENT : Code.UNAVAILABLE

/**
 * The routes of `SecretsProvider` over the `Secrets` in context.
 *
 * @since 0.1.0
 * @category serving
 */
export const secretsRoutes: ReadonlyArray<Route<Secrets>> = [
  route(SecretsProvider.method.getSecret, (request) =>
    Secrets.use((secrets) => secrets.get(request.name)).pipe(
      Effect.map((value) => ({ value: Redacted.value(value) })),
      Effect.mapError((error) =>
        new RpcError({ code: codeOf(error), method: "SecretsProvider.GetSecret", message: error.message, reason: error.reason })
      )
    ))
]
