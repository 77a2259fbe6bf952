/**
 * `strata glob PATTERN`: the paths a glob matches.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { currentClient, emit } from "../context.ts"

/**
 * @since 0.1.0
 * @category commands
 */
export const glob = Command.make("glob", {
  pattern: Argument.String("pattern").pipe(
    Argument.withDescription("A glob such as 'msc://data/**/*.csv' (quote it so the shell leaves it alone).")
  )
}, ({ pattern }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const matches = yield* client.glob(pattern)
    yield* emit(() => matches.join("\n"), () => matches)
  }).pipe(Effect.scoped)).pipe(Command.withDescription("List the paths matching a glob (*, ?, [..], ** across directories)."))
