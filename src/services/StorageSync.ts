/**
 * The models of `StorageClient.sync` (MSC's `sync_from`): what to sync, the
 * events reported while it runs, the summary it ends with, and `SyncError`,
 * which says which files failed.
 *
 * A sync makes a target directory hold what a source directory holds: a file
 * is copied when the target lacks it, when the sizes differ, or when the
 * source is newer (last-modified times truncated to whole seconds, as MSC
 * compares them). Content and etags are never compared.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { StorageErrorReason } from "./StorageProvider.ts"

/**
 * One ordered include/exclude rule. `glob` is an fnmatch pattern matched
 * against the key relative to the synced directory: `*` also matches "/",
 * `?` one character, `[...]` a class (`[!...]` negated).
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncPattern {
  readonly kind: "include" | "exclude"
  readonly glob: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SyncOptions {
  /** Delete target files the source does not have (never those the patterns exclude). */
  readonly deleteUnmatched?: boolean | undefined
  /** Ordered rules, last match wins; see `SyncPattern`. */
  readonly patterns?: ReadonlyArray<SyncPattern> | undefined
  /** Also sync keys with a path segment starting with "." (skipped by default, on both sides). */
  readonly includeHidden?: boolean | undefined
  /** Plan and report, change nothing. */
  readonly dryRun?: boolean | undefined
  /** Files transferred or deleted at once (default 16). */
  readonly concurrency?: number | undefined
  /** Called for every planned and finished file; must not throw. */
  readonly onEvent?: ((event: SyncEvent) => void) | undefined
}

/**
 * What a sync reports as it goes. `planned` comes once per file to copy or
 * delete (totals grow while the listings are read); the others when a file is
 * done. `url`s name the target.
 *
 * @since 0.1.0
 * @category models
 */
export type SyncEvent =
  | { readonly _tag: "Planned"; readonly action: "copy" | "delete"; readonly url: string; readonly bytes: number }
  | { readonly _tag: "Copied"; readonly url: string; readonly bytes: number }
  | { readonly _tag: "Deleted"; readonly url: string }
  | { readonly _tag: "Skipped"; readonly url: string }
  | { readonly _tag: "Failed"; readonly url: string; readonly bytes: number; readonly failure: SyncFailure }

/**
 * A file that could not be copied or deleted, and why.
 *
 * @since 0.1.0
 * @category models
 */
export const SyncFailure = Schema.Struct({
  url: Schema.String,
  operation: Schema.Literals(["copy", "delete"]),
  reason: StorageErrorReason,
  message: Schema.String
})
export type SyncFailure = typeof SyncFailure.Type

/**
 * How a sync ended. With `dryRun`, `copied`, `deleted` and `bytes` count what
 * would have been done.
 *
 * @since 0.1.0
 * @category models
 */
export const SyncSummary = Schema.Struct({
  source: Schema.String,
  target: Schema.String,
  /** Files copied (new or changed). */
  copied: Schema.Number,
  /** Files present on both sides and already up to date. */
  skipped: Schema.Number,
  deleted: Schema.Number,
  failed: Schema.Number,
  /** Bytes copied. */
  bytes: Schema.Number,
  dryRun: Schema.Boolean,
  seconds: Schema.Number
})
export type SyncSummary = typeof SyncSummary.Type

/**
 * Some files failed; the others were synced. Running the sync again retries
 * exactly the files still out of date.
 *
 * @since 0.1.0
 * @category errors
 */
export class SyncError extends Schema.TaggedError<SyncError>()("SyncError", {
  message: Schema.String,
  summary: SyncSummary,
  failures: Schema.Array(SyncFailure)
}) {}
