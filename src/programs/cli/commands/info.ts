/**
 * `strata info URL`: metadata of a file or directory.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { currentClient, emit } from "../context.ts"
import { metadataJson, table } from "../format.ts"

/**
 * @since 0.1.0
 * @category commands
 */
export const info = Command.make("info", {
  url: Argument.String("url").pipe(Argument.withDescription("A file or directory."))
}, ({ url }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const meta = yield* client.info(url)
    const json = metadataJson(meta)
    yield* emit(
      () => table(Object.entries(json).map(([k, v]) => [`${k}:`, typeof v === "string" ? v : JSON.stringify(v)])),
      () => json
    )
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Show a file's (or directory's) metadata."))
