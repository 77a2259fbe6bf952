/**
 * The raw command line, for the rare flag whose meaning depends on its
 * position among others (`sync --include A --exclude B`: the order of the two
 * kinds matters, and the parser keeps each kind in its own list).
 *
 * @since 0.1.0
 */
import { Context } from "effect"

/**
 * The arguments `runCli` was given.
 *
 * @since 0.1.0
 * @category context
 */
export const CliArgs = Context.Reference<ReadonlyArray<string>>("strata/cli/CliArgs", { defaultValue: () => [] })

/**
 * The values of the flags named in `names`, in command-line order, as
 * `[name, value]` pairs (`--name value` and `--name=value`; nothing after
 * `--`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const flagsInOrder = (
  args: ReadonlyArray<string>,
  names: ReadonlyArray<string>
): ReadonlyArray<readonly [string, string]> => {
  const found: Array<readonly [string, string]> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") break
    for (const name of names) {
      if (arg === `--${name}` && i + 1 < args.length) found.push([name, args[++i]!])
      else if (arg.startsWith(`--${name}=`)) found.push([name, arg.slice(name.length + 3)])
    }
  }
  return found
}
