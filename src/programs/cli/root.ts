/**
 * The `strata` root command and the flags every subcommand shares.
 *
 * @since 0.1.0
 */
import { Command, Flag } from "effect/cli"

/**
 * @since 0.1.0
 * @category commands
 */
export const root = Command.make("strata").pipe(
  Command.withSharedFlags({
    config: Flag.String("config").pipe(
      Flag.withDescription("Config file (MSC format, YAML or JSON). Default: $MSC_CONFIG, then the MSC search paths."),
      Flag.optional
    ),
    json: Flag.Boolean("json").pipe(
      Flag.withDescription("Print results (and errors, on stderr) as JSON."),
      Flag.withDefault(false)
    )
  }),
  Command.withDescription(
    "strata: one storage API over local disk, memory and object stores, with MSC-compatible profiles and msc:// URLs."
  )
)
