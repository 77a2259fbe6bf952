/**
 * `strata sync SOURCE TARGET`: makes a target directory hold what a source
 * directory holds, between any two profiles (MSC's `msc sync`), with
 * progress, a summary, and the files that failed.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import type { SyncEvent, SyncPattern, SyncSummary } from "../../../services/StorageSync.ts"
import { StorageError } from "../../../services/StorageProvider.ts"
import { CliArgs, flagsInOrder } from "../args.ts"
import { currentClient, emit } from "../context.ts"
import { humanBytes, humanDuration } from "../format.ts"
import { makeProgress } from "../progress.ts"
import { root } from "../root.ts"

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/**
 * The `--include` / `--exclude` rules in command-line order. The parser gives
 * each kind its own list; the raw arguments give the order, and must agree.
 */
const orderedPatterns = (includes: ReadonlyArray<string>, excludes: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const patterns: ReadonlyArray<SyncPattern> = flagsInOrder(yield* CliArgs, ["include", "exclude"]).map((
      [kind, glob]
    ) => ({ kind: kind === "include" ? "include" : "exclude", glob }))
    const same = (kind: SyncPattern["kind"], parsed: ReadonlyArray<string>) =>
      patterns.filter((pattern) => pattern.kind === kind).map((pattern) => pattern.glob).join("\0") === parsed.join("\0")
    if (!same("include", includes) || !same("exclude", excludes)) {
      return yield* new StorageError({
        reason: "Unsupported",
        operation: "sync",
        message: "Cannot tell the order of the --include and --exclude flags; write each as --include=PATTERN or --exclude=PATTERN."
      })
    }
    return patterns
  })

const summaryLine = (summary: SyncSummary): string => {
  const rate = summary.seconds > 0 ? summary.bytes / summary.seconds : summary.bytes
  const verb = summary.dryRun ? "Dry run: would copy" : "Synced: copied"
  return `${verb} ${plural(summary.copied, "file")} (${humanBytes(summary.bytes)}), ` +
    `${summary.dryRun ? "would delete" : "deleted"} ${summary.deleted}, ${summary.skipped} up to date` +
    (summary.dryRun ? "." : `, in ${humanDuration(summary.seconds)} (${humanBytes(rate)}/s).`)
}

/**
 * @since 0.1.0
 * @category commands
 */
export const sync = Command.make("sync", {
  source: Argument.String("source").pipe(Argument.withDescription("The directory to copy from (any profile).")),
  target: Argument.String("target").pipe(Argument.withDescription("The directory to bring up to date (any profile).")),
  deleteUnmatched: Flag.Boolean("delete-unmatched-files").pipe(
    Flag.withDescription("Delete target files the source does not have (never those --exclude matches)."),
    Flag.withDefault(false)
  ),
  include: Flag.String("include").pipe(
    Flag.withDescription("Sync only keys matching this fnmatch pattern (* also matches /); repeatable, ordered with --exclude, last match wins."),
    Flag.atLeast(0)
  ),
  exclude: Flag.String("exclude").pipe(
    Flag.withDescription("Leave keys matching this pattern alone (not copied, not deleted); repeatable, ordered with --include."),
    Flag.atLeast(0)
  ),
  noIgnoreHidden: Flag.Boolean("no-ignore-hidden").pipe(
    Flag.withDescription("Also sync keys with a segment starting with '.' (skipped by default)."),
    Flag.withDefault(false)
  ),
  dryRun: Flag.Boolean("dry-run").pipe(
    Flag.withAlias("n"),
    Flag.withDescription("Print what would be copied and deleted; change nothing."),
    Flag.withDefault(false)
  ),
  concurrency: Flag.Int("concurrency").pipe(Flag.withDescription("Files transferred at once."), Flag.withDefault(16)),
  quiet: Flag.Boolean("quiet").pipe(Flag.withAlias("q"), Flag.withDescription("No progress."), Flag.withDefault(false))
}, ({ source, target, deleteUnmatched, include, exclude, noIgnoreHidden, dryRun, concurrency, quiet }) =>
  Effect.gen(function*() {
    const { json } = yield* root
    const client = yield* currentClient
    const patterns = yield* orderedPatterns(include, exclude)
    const progress = makeProgress({ label: "sync", totalFiles: 0, totalBytes: 0, quiet: quiet || dryRun })
    let planned = 0
    const actions: Array<{ readonly action: "copy" | "delete"; readonly url: string; readonly bytes: number }> = []
    const onEvent = (event: SyncEvent): void => {
      switch (event._tag) {
        case "Planned":
          planned++
          if (dryRun) actions.push({ action: event.action, url: event.url, bytes: event.bytes })
          return progress.grow(1, event.bytes)
        case "Copied":
        case "Failed":
          return progress.advance(1, event.bytes)
        case "Deleted":
          return progress.advance(1, 0)
        case "Skipped":
          return
      }
    }
    const summary = yield* client.sync(source, target, {
      deleteUnmatched,
      patterns,
      includeHidden: noIgnoreHidden,
      dryRun,
      concurrency: Math.max(1, concurrency),
      onEvent
    }).pipe(
      // Nothing to do: no bar, just the summary.
      Effect.ensuring(Effect.sync(() => planned > 0 && progress.finish())),
      // Which files failed, before the one-sentence error: as lines on stderr, or with the summary as JSON on stdout.
      Effect.tapError((error) =>
        error._tag !== "SyncError"
          ? Effect.void
          : json
          ? Console.log(JSON.stringify({ ...error.summary, failures: error.failures }, null, 2))
          : Effect.forEach(
            error.failures,
            (failure) => Console.error(`strata: failed to ${failure.operation} ${failure.url}: ${failure.message}`),
            { discard: true }
          )
      )
    )
    yield* emit(
      () =>
        [...actions.map((a) => a.action === "copy" ? `copy ${a.url} (${humanBytes(a.bytes)})` : `delete ${a.url}`), summaryLine(summary)]
          .join("\n"),
      () => (dryRun ? { ...summary, actions } : summary)
    )
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription(
      "Make TARGET hold what SOURCE holds: copy files that are new, differ in size or are newer; optionally delete the rest."
    )
  )
