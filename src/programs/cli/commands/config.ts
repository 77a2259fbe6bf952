/**
 * `strata config validate`: loads, checks and prints the resolved config.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { renderConfig } from "../../../layers/StorageConfigLoader.ts"
import { currentConfig } from "../context.ts"
import { root } from "../root.ts"

const validate = Command.make("validate", {
  format: Flag.Literals("format", ["yaml", "json"]).pipe(
    Flag.withDescription("How to print the resolved config."),
    Flag.withDefault("yaml")
  )
}, ({ format }) =>
  Effect.gen(function*() {
    const { json } = yield* root
    const config = yield* currentConfig
    yield* Console.log(renderConfig(config, json ? "json" : format).trimEnd())
  })).pipe(
    Command.withDescription(
      "Check the config file (schema, includes, ${VAR}s, provider options) and print it resolved, secrets redacted."
    )
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const config = Command.make("config").pipe(
  Command.withDescription("Work with the config file."),
  Command.withSubcommands([validate])
)
