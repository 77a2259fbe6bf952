/**
 * `strata ls URL`: files (and, without -r, directories) under a path.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { recursiveFlag } from "../flags.ts"
import { currentClient, emit } from "../context.ts"
import { humanBytes, metadataJson, table } from "../format.ts"

/**
 * @since 0.1.0
 * @category commands
 */
export const ls = Command.make("ls", {
  url: Argument.String("url").pipe(Argument.withDescription("A directory or file: msc://profile/path, a local path, file://...")),
  recursive: recursiveFlag("List every file below the path instead of one level."),
  humanReadable: Flag.Boolean("human-readable").pipe(
    Flag.withAlias("H"),
    Flag.withDescription("Sizes as KiB, MiB ..."),
    Flag.withDefault(false)
  ),
  limit: Flag.Int("limit").pipe(Flag.withDescription("Stop after this many entries."), Flag.optional)
}, ({ url, recursive, humanReadable, limit }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const listing = client.list(url, { recursive })
    const entries = yield* Stream.runCollect(
      Option.isSome(limit) ? Stream.take(listing, Math.max(0, limit.value)) : listing
    )
    const base = (yield* client.resolve(url)).key.replace(/\/+$/, "")
    const relative = (key: string) => (base !== "" && key.startsWith(base + "/") ? key.slice(base.length + 1) : key)
    yield* emit(
      () =>
        entries.length === 0
          ? "No files found."
          : table([["Last Modified", "Size", "Name"], ...entries.map((entry) => [
            entry.type === "directory" ? "" : entry.lastModified.toISOString(),
            entry.type === "directory" ? "" : humanReadable ? humanBytes(entry.contentLength) : String(entry.contentLength),
            relative(entry.key) + (entry.type === "directory" ? "/" : "")
          ])]),
      () => entries.map(metadataJson)
    )
  }).pipe(Effect.scoped)).pipe(Command.withDescription("List files under a path (one level, or all with -r)."))
