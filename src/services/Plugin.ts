/**
 * The authoring API of integration plugins: a plugin is a name and a list of
 * operations; an operation's input and output are Effect Schemas and its
 * handler is an Effect that may require strata services (`Cache`,
 * `StorageClient`, ...), provided by layers when the plugin is served.
 *
 * ```ts
 * export const greet = Plugin.operation({
 *   id: "greet",
 *   input: Schema.Struct({ name: Schema.String }),
 *   output: Schema.Struct({ message: Schema.String }),
 *   handler: ({ name }) => Effect.succeed({ message: `Hello, ${name}!` })
 * })
 * export default Plugin.make({ name: "hello", operations: [greet] })
 * ```
 *
 * The catalog (JSON Schemas and parameters) is derived from the schemas
 * (PluginCatalog.ts); execution follows Gestalt: a failing handler answers
 * with an HTTP-style status and `{"error": message}` (PluginExecute.ts).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { Effect, Redacted } from "effect"

/**
 * Who called and with what, as the host tells it (absent parts are empty).
 *
 * @since 0.1.0
 * @category models
 */
export interface PluginRequest {
  /** The caller's credential for the plugin's backend. */
  readonly token: Redacted.Redacted<string>
  readonly connectionParams: Readonly<Record<string, string>>
  readonly subject: { readonly id: string; readonly kind: string; readonly displayName: string; readonly authSource: string }
  readonly invocationToken: Redacted.Redacted<string>
  readonly idempotencyKey: string
  readonly publicBaseUrl: string
}

/**
 * Fail a handler with this to answer with a status of your choice (Gestalt's
 * `Error(status, message)`); the body is `{"error": message}`.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationError extends Schema.TaggedError<OperationError>()("OperationError", {
  status: Schema.Int,
  message: Schema.String
}) {}

/**
 * A plugin definition that breaks a rule (duplicate or malformed id).
 *
 * @since 0.1.0
 * @category errors
 */
export class PluginDefinitionError extends Schema.TaggedError<PluginDefinitionError>()("PluginDefinitionError", {
  message: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface OperationOptions<In extends Schema.Top, Out extends Schema.Top, E, R> {
  /** Segments of `[A-Za-z0-9_]`, inner `-` allowed, separated by dots. */
  readonly id: string
  /** HTTP method the host exposes; default POST. */
  readonly method?: string
  readonly title?: string
  readonly description?: string
  readonly tags?: ReadonlyArray<string>
  readonly allowedRoles?: ReadonlyArray<string>
  readonly readOnly?: boolean
  readonly visible?: boolean
  readonly input: In
  readonly output: Out
  readonly handler: (input: In["Type"], request: PluginRequest) => Effect.Effect<Out["Type"], E, R>
}

/**
 * One operation, normalised (trimmed id, title and description; upper-case
 * method; roles without duplicates).
 *
 * @since 0.1.0
 * @category models
 */
export interface Operation<R> {
  readonly id: string
  readonly method: string
  readonly title: string
  readonly description: string
  readonly tags: ReadonlyArray<string>
  readonly allowedRoles: ReadonlyArray<string>
  readonly readOnly: boolean | undefined
  readonly visible: boolean | undefined
  readonly input: Schema.Codec<unknown, unknown>
  readonly output: Schema.Codec<unknown, unknown>
  readonly handler: (input: unknown, request: PluginRequest) => Effect.Effect<unknown, unknown, R>
}

/**
 * Runs when the host configures the plugin (IntegrationProvider.StartProvider)
 * with the name it gave the plugin and its config.
 *
 * @since 0.1.0
 * @category models
 */
export type ConfigureHook<R> = (name: string, config: Readonly<Record<string, unknown>>) => Effect.Effect<void, unknown, R>

/**
 * @since 0.1.0
 * @category models
 */
export interface Plugin<R> {
  readonly name: string
  readonly displayName: string
  readonly description: string
  readonly iconSvg: string
  readonly operations: ReadonlyArray<Operation<R>>
  readonly configure: ConfigureHook<R> | undefined
  readonly healthCheck: Effect.Effect<void, unknown, R> | undefined
}

const ID = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/

/**
 * Defines an operation.
 *
 * @since 0.1.0
 * @category constructors
 */
export const operation = <In extends Schema.Top, Out extends Schema.Top, E = never, R = never>(
  options: OperationOptions<In, Out, E, R>
): Operation<R> => ({
  id: options.id.trim(),
  method: (options.method ?? "POST").trim().toUpperCase(),
  title: options.title?.trim() ?? "",
  description: options.description?.trim() ?? "",
  tags: options.tags ?? [],
  allowedRoles: [...new Set((options.allowedRoles ?? []).map((role) => role.trim()).filter((role) => role !== ""))],
  readOnly: options.readOnly,
  visible: options.visible,
  input: options.input as unknown as Operation<R>["input"],
  output: options.output as unknown as Operation<R>["output"],
  handler: options.handler as Operation<R>["handler"]
})

/**
 * Defines a plugin. Throws `PluginDefinitionError` for an empty name, a
 * malformed operation id or a duplicate one: mistakes in the plugin's own
 * code, found when its module loads.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <R = never>(options: {
  readonly name: string
  readonly displayName?: string
  readonly description?: string
  readonly iconSvg?: string
  readonly operations: ReadonlyArray<Operation<R>>
  readonly configure?: ConfigureHook<R>
  readonly healthCheck?: Effect.Effect<void, unknown, R>
}): Plugin<R> => {
  const name = options.name.trim()
  if (name === "") throw new PluginDefinitionError({ message: "A plugin needs a non-empty name." })
  const seen = new Set<string>()
  for (const op of options.operations) {
    if (!ID.test(op.id)) {
      throw new PluginDefinitionError({
        message: `The operation id '${op.id}' of plugin '${name}' is not valid: use letters, digits and '_', with '-' inside and '.' between segments.`
      })
    }
    if (seen.has(op.id)) {
      throw new PluginDefinitionError({ message: `Plugin '${name}' defines the operation '${op.id}' twice.` })
    }
    seen.add(op.id)
  }
  return {
    name,
    displayName: options.displayName?.trim() || name,
    description: options.description?.trim() ?? "",
    iconSvg: options.iconSvg ?? "",
    operations: options.operations,
    configure: options.configure,
    healthCheck: options.healthCheck
  }
}
