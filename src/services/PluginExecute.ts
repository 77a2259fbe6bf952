/**
 * Running one operation of a plugin, as Gestalt does: the params are
 * decoded with the input schema, the handler runs, its value is encoded with
 * the output schema, and the outcome is an HTTP-style status with a JSON
 * body. Nothing fails at the call level: an unknown operation is 404,
 * invalid params 400, `OperationError` its own status, any other failure or
 * an output that does not match its schema 500; the body is then
 * `{"error": "<sentence>"}`.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Schema } from "effect"
import { SchemaAST } from "effect"
import type { Operation, Plugin, PluginRequest } from "./Plugin.ts"

/**
 * The result of an operation (Gestalt's `OperationResult`).
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationOutcome {
  readonly status: number
  /** JSON text. */
  readonly body: string
}

const failure = (status: number, message: string): OperationOutcome => ({
  status,
  body: JSON.stringify({ error: message })
})

const sentence = (text: string): string => {
  const trimmed = text.trim().replace(/\s*\n\s*/g, " ")
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** A scalar input arrives as a one-entry object (Gestalt SDKs do the same). */
const inputValueOf = (op: Operation<unknown>, params: Readonly<Record<string, unknown>>): unknown => {
  if (SchemaAST.isObjects(op.input.ast)) return params
  const values = Object.values(params)
  return values.length === 1 ? values[0] : params
}

/**
 * The message of whatever an Effect failed with (its `message` when it has
 * one), for answers to callers.
 *
 * @since 0.1.0
 * @category errors
 */
export const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string" && error.message !== ""
    ? error.message
    : String(error)

/**
 * Runs the operation `operationId` of `plugin` with `params` (absent means
 * `{}`).
 *
 * @since 0.1.0
 * @category execution
 */
export const execute = <R>(
  plugin: Plugin<R>,
  operationId: string,
  params: Readonly<Record<string, unknown>> | undefined,
  request: PluginRequest
): Effect.Effect<OperationOutcome, never, R> => {
  const op = plugin.operations.find((candidate) => candidate.id === operationId)
  if (op === undefined) {
    return Effect.succeed(failure(404, `Plugin '${plugin.name}' has no operation '${operationId}'.`))
  }
  const run = Effect.gen(function*() {
    const decoded = yield* Schema.decodeUnknownEffect(Schema.toCodecJson(op.input))(inputValueOf(op, params ?? {})).pipe(
      Effect.mapError((error) => failure(400, sentence(`The params of operation '${op.id}' are not valid: ${error.message}`)))
    )
    const value = yield* op.handler(decoded, request).pipe(
      Effect.mapError((error) =>
        typeof error === "object" && error !== null && "_tag" in error && error._tag === "OperationError"
          ? failure((error as unknown as { status: number }).status, sentence(messageOf(error)))
          : failure(500, sentence(messageOf(error)))
      )
    )
    const encoded = yield* Schema.encodeUnknownEffect(Schema.toCodecJson(op.output))(value).pipe(
      Effect.mapError((error) =>
        failure(500, sentence(`Operation '${op.id}' returned a value that does not match its output schema: ${error.message}`))
      )
    )
    return { status: 200, body: JSON.stringify(encoded) ?? "null" }
  })
  return run.pipe(
    Effect.catch((outcome) => Effect.succeed(outcome)),
    Effect.catchCause((cause) =>
      Effect.as(
        Effect.logError(`Operation '${op.id}' of plugin '${plugin.name}' failed unexpectedly`, cause),
        failure(500, Cause.hasInterruptsOnly(cause) ? `Operation '${op.id}' was interrupted.` : `Operation '${op.id}' failed with an internal error.`)
      )
    ),
    Effect.withSpan("Plugin.execute", { attributes: { "plugin.name": plugin.name, "plugin.operation": op.id } })
  )
}
