/**
 * `strata rm [-r] URL`: deletes a file, or a directory's whole content.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { recursiveFlag } from "../flags.ts"
import { currentClient, emit } from "../context.ts"

/**
 * @since 0.1.0
 * @category commands
 */
export const rm = Command.make("rm", {
  url: Argument.String("url").pipe(Argument.withDescription("The file (or, with -r, directory) to delete.")),
  recursive: recursiveFlag("Delete everything under a directory.")
}, ({ url, recursive }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const result = yield* client.delete(url, { recursive })
    yield* emit(
      () => `Deleted ${result.deleted} file${result.deleted === 1 ? "" : "s"}.`,
      () => ({ url, deleted: result.deleted })
    )
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Delete a file, or with -r everything under a directory."))
