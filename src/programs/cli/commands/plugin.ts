/**
 * `strata plugin serve MODULE`: run a provider module as a Gestalt provider
 * process (from GESTALT_PLUGIN_SOCKET and friends, see
 * programs/plugin/runtime.ts).
 * `strata plugin catalog CMD...`: start the plugin process CMD and print its
 * catalog (YAML, or JSON with --json).
 * `strata plugin invoke CMD... OPERATION --params JSON`: start it, run one
 * operation and print the result; the exit code follows the status
 * (2xx: 0, 400: 2, 404: 4, other: 1; the plugin unreachable: 7).
 *
 * @since 0.1.0
 */
import { Console, Effect, Predicate, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { stringify } from "yaml"
import { loadProvider } from "../../plugin/load.ts"
import * as Remote from "../../plugin/layers.ts"
import { run } from "../../plugin/runtime.ts"
import { PluginClient } from "../../../services/PluginClient.ts"
import type { PluginClientError } from "../../../services/PluginClient.ts"
import { ExitCode } from "../exitCodes.ts"
import { root } from "../root.ts"

/**
 * A plugin command that ends with a given exit code.
 *
 * @since 0.1.0
 * @category errors
 */
export class PluginCommandError extends Schema.TaggedError<PluginCommandError>()("PluginCommandError", {
  message: Schema.String,
  exitCode: Schema.Number
}) {}

const serve = Command.make("serve", {
  module: Argument.String("module").pipe(
    Argument.withDescription("A module whose default export is a Provider (Provider.cache, .secrets or .integration).")
  )
}, ({ module }) =>
  Effect.flatMap(loadProvider(module), (provider) => run(provider)).pipe(
    Effect.mapError((error) => new PluginCommandError({ message: error.message, exitCode: ExitCode.config }))
  )).pipe(Command.withDescription("Serve a provider module over the Gestalt protocol (as a host starts it)."))

const commandArgument = Argument.String("command").pipe(
  Argument.withDescription("The plugin's command line (put it after -- when it has options of its own)."),
  Argument.variadic()
)

/** The plugin process for a command line, reachable as PluginClient. */
const withPlugin = <A, R>(
  words: ReadonlyArray<string>,
  use: Effect.Effect<A, PluginClientError, PluginClient | R>
): Effect.Effect<A, PluginCommandError, Exclude<R, PluginClient>> => {
  const [command, ...args] = words
  if (command === undefined) {
    return Effect.fail(new PluginCommandError({ message: "Name the plugin's command.", exitCode: ExitCode.usage }))
  }
  return use.pipe(
    Effect.provide(Remote.plugin({ name: "plugin", command, args, startTimeoutMillis: 30_000, maxRestarts: 0 })),
    Effect.mapError((error) => new PluginCommandError({ message: error.message, exitCode: ExitCode.unavailable }))
  )
}

const catalog = Command.make("catalog", { command: commandArgument }, ({ command }) =>
  withPlugin(command, Effect.flatMap(PluginClient.use((client) => client.catalog), (found) =>
    Effect.flatMap(root, (flags) => Console.log(flags.json ? JSON.stringify(found, null, 2) : stringify(found).trimEnd())))
  )).pipe(Command.withDescription("Start a plugin process and print its catalog."))

const exitCodeOfStatus = (status: number): number =>
  status >= 200 && status < 300 ? ExitCode.ok : status === 400 ? ExitCode.usage : status === 404 ? ExitCode.notFound : ExitCode.failed

const parseParams = (text: string): Effect.Effect<Record<string, unknown>, PluginCommandError> =>
  Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) =>
      new PluginCommandError({ message: `--params is not JSON: ${(cause as Error).message}`, exitCode: ExitCode.usage })
  }).pipe(Effect.flatMap((value) =>
    Predicate.isObject(value)
      ? Effect.succeed(value as Record<string, unknown>)
      : Effect.fail(new PluginCommandError({ message: "--params must be a JSON object.", exitCode: ExitCode.usage }))
  ))

const invoke = Command.make("invoke", {
  command: commandArgument,
  params: Flag.String("params").pipe(Flag.withDescription("The operation's params, a JSON object."), Flag.withDefault("{}"))
}, ({ command, params }) =>
  Effect.gen(function*() {
    const operation = command.at(-1)
    if (command.length < 2 || operation === undefined) {
      return yield* new PluginCommandError({ message: "Give the plugin's command and then the operation.", exitCode: ExitCode.usage })
    }
    const input = yield* parseParams(params)
    const outcome = yield* withPlugin(command.slice(0, -1), PluginClient.use((client) => client.invoke(operation, input)))
    const flags = yield* root
    let body: unknown = outcome.body
    try {
      body = JSON.parse(outcome.body)
    } catch {
      // Not JSON: print it as it came.
    }
    if (flags.json) yield* Console.log(JSON.stringify({ status: outcome.status, body }, null, 2))
    else yield* (outcome.status < 300 ? Console.log : Console.error)(typeof body === "string" ? body : JSON.stringify(body, null, 2))
    const code = exitCodeOfStatus(outcome.status)
    if (code !== ExitCode.ok) {
      const error = typeof body === "object" && body !== null && "error" in body ? String(body.error) : outcome.body
      return yield* new PluginCommandError({ message: `Operation '${operation}' answered ${outcome.status}: ${error}`, exitCode: code })
    }
  })).pipe(Command.withDescription("Start a plugin process, run one operation with --params and print its result."))

/**
 * @since 0.1.0
 * @category commands
 */
export const plugin = Command.make("plugin").pipe(
  Command.withSubcommands([serve, catalog, invoke]),
  Command.withDescription("Plugins over gRPC (the Gestalt provider protocol): serve a provider, show a plugin's catalog, invoke an operation.")
)
