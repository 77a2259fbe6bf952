/**
 * `strata cat URL`: a file's content on stdout.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { currentClient } from "../context.ts"
import { pipeToStdout } from "../stdout.ts"

/**
 * @since 0.1.0
 * @category commands
 */
export const cat = Command.make("cat", {
  url: Argument.String("url").pipe(Argument.withDescription("The file to print.")),
  offset: Flag.Int("offset").pipe(Flag.withDescription("Start at this byte."), Flag.optional),
  length: Flag.Int("length").pipe(Flag.withDescription("Print at most this many bytes."), Flag.optional)
}, ({ url, offset, length }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const range = Option.isSome(offset) || Option.isSome(length)
      ? { offset: Option.getOrElse(offset, () => 0), length: Option.getOrUndefined(length) }
      : undefined
    yield* pipeToStdout(client.open(url, range === undefined ? {} : { range }))
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Print a file's content (or a byte range of it) to stdout."))
