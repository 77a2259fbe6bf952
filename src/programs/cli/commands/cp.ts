/**
 * `strata cp [-r] SOURCE TARGET`: copies a file, or with -r a directory tree,
 * within or across profiles, with progress.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import type { StorageClientShape } from "../../../services/StorageClient.ts"
import { StorageError } from "../../../services/StorageProvider.ts"
import { recursiveFlag } from "../flags.ts"
import { currentClient, emit } from "../context.ts"
import { humanBytes, humanDuration } from "../format.ts"
import { makeProgress } from "../progress.ts"

const joinUrl = (base: string, relative: string): string => (base.endsWith("/") ? base : base + "/") + relative

const baseName = (key: string): string => key.slice(key.lastIndexOf("/") + 1)

/** A file copied onto an existing directory (or a path ending in "/") keeps its name. */
const fileTarget = (client: StorageClientShape, sourceKey: string, target: string) =>
  target.endsWith("/")
    ? Effect.succeed(target + baseName(sourceKey))
    : client.info(target).pipe(
      Effect.map((meta) => (meta.type === "directory" ? joinUrl(target, baseName(sourceKey)) : target)),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(target))
    )

/**
 * @since 0.1.0
 * @category commands
 */
export const cp = Command.make("cp", {
  source: Argument.String("source").pipe(Argument.withDescription("The file or directory to copy.")),
  target: Argument.String("target").pipe(Argument.withDescription("Where to copy it (any profile).")),
  recursive: recursiveFlag("Copy a directory and everything under it."),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("Files copied at once."),
    Flag.withDefault(8)
  ),
  quiet: Flag.Boolean("quiet").pipe(Flag.withAlias("q"), Flag.withDescription("No progress."), Flag.withDefault(false))
}, ({ source, target, recursive, concurrency, quiet }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const started = Date.now()
    const sourceInfo = yield* client.info(source)
    const sourceKey = (yield* client.resolve(source)).key
    let jobs: ReadonlyArray<{ readonly from: string; readonly to: string; readonly size: number }>
    if (sourceInfo.type === "file") {
      jobs = [{ from: source, to: yield* fileTarget(client, sourceKey, target), size: sourceInfo.contentLength }]
    } else if (!recursive) {
      return yield* new StorageError({
        reason: "InvalidPath",
        operation: "cp",
        message: `${source} is a directory; pass -r to copy everything under it.`
      })
    } else {
      const files = yield* Stream.runCollect(client.list(source, { recursive: true }))
      const prefix = sourceKey.replace(/\/+$/, "")
      jobs = files.map((file) => ({
        from: file.url,
        to: joinUrl(target, prefix === "" ? file.key : file.key.slice(prefix.length + 1)),
        size: file.contentLength
      }))
    }
    const totalBytes = jobs.reduce((sum, job) => sum + job.size, 0)
    const progress = makeProgress({ label: "cp", totalFiles: jobs.length, totalBytes, quiet: quiet || jobs.length < 2 })
    yield* Effect.forEach(
      jobs,
      (job) => client.copy(job.from, job.to).pipe(Effect.tap(() => Effect.sync(() => progress.advance(1, job.size)))),
      { concurrency: Math.max(1, concurrency), discard: true }
    )
    progress.finish()
    const seconds = (Date.now() - started) / 1000
    yield* emit(
      () =>
        `Copied ${jobs.length} file${jobs.length === 1 ? "" : "s"} (${humanBytes(totalBytes)}) in ${
          humanDuration(seconds)
        } (${humanBytes(seconds > 0 ? totalBytes / seconds : totalBytes)}/s).`,
      () => ({ source, target, files: jobs.length, bytes: totalBytes, seconds })
    )
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription("Copy a file, or with -r a directory tree, within or across profiles.")
  )
