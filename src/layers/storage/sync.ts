/**
 * The sync engine behind `StorageClient.sync`: checks the two directories,
 * streams the plan of `syncPlan.ts` into a bounded pool of transfers and
 * deletes, and reports events and a summary.
 *
 * - **Transfers**: within one profile whose provider copies server-side
 *   (posix: a copy thread's read and write for files up to 1 MiB, the
 *   kernel's copy_file_range or a reflink for larger ones), the provider's
 *   copy;
 *   otherwise the source, pinned to the listed etag, streamed into a put.
 *   Both publish atomically, so a target file is the old one or the new one.
 *   A provider that declares a copy queue (`Capabilities.copyQueue`: posix,
 *   whose copy threads run 2-4 copies at once) gets more copies in flight
 *   than the concurrency, up to a bound in bytes (`QUEUED_BYTES_PER_SLOT`),
 *   when the concurrency is at least the copies it runs at once: the
 *   concurrency still bounds the copies running, and deletes.
 *   A server-side copy is one request that cannot be called back, so it is
 *   not interrupted half-way: an interrupt waits for the copies in flight,
 *   and for streamed ones to remove their temporary files.
 * - **Failures** of single files (a put refused, a source changed since it
 *   was listed) are collected and the others go on; the sync then fails with
 *   `SyncError` naming them. A failed listing ends the sync.
 * - **Where strata differs from MSC**: patterns apply to deletes too, so a
 *   target file an exclude pattern matches (or a hidden one) is never
 *   deleted (MSC deletes it); per-file failures do not stop the other files
 *   (MSC stops at the first); a source with nothing under it is an error
 *   rather than a reason to delete the whole target.
 *
 * @since 0.1.0
 */
import { Effect, Latch, Option, Semaphore, Stream } from "effect"
import { storageError } from "../../services/StorageProvider.ts"
import type { StorageError } from "../../services/StorageProvider.ts"
import { SyncError } from "../../services/StorageSync.ts"
import type { SyncEvent, SyncFailure, SyncOptions, SyncSummary } from "../../services/StorageSync.ts"
import { toUrl } from "../../services/StorageUrl.ts"
import { withContext } from "./errors.ts"
import { headFile, infoTarget, stripSlashes } from "./listing.ts"
import type { Target } from "./listing.ts"
import { makeKeyFilter } from "./syncFilter.ts"
import { planSync } from "./syncPlan.ts"
import type { SyncStep } from "./syncPlan.ts"
import { streamFile } from "./transfer.ts"

/** Files transferred or deleted at once unless the caller says otherwise. */
const DEFAULT_CONCURRENCY = 16
/** How far the planner may run ahead of the transfers (steps), so progress totals are known early. */
const PLAN_AHEAD = 50_000
/**
 * The most a copy counts for against the bytes queued in a provider's copy
 * queue (`copyQueue`): `concurrency` copies of any size always fit, as
 * without a queue, and smaller files queue up to `concurrency` times this
 * many bytes, which an interrupt waits for (their copies are not called back).
 */
const QUEUED_BYTES_PER_SLOT = 4 * 1024 * 1024
/** Failures kept in a `SyncError` (all are counted). */
const MAX_FAILURES_KEPT = 100

/** The listing prefix of a directory key: "" for the root, else ending in "/". */
const directoryPrefix = (key: string): string => {
  const bare = stripSlashes(key)
  return bare === "" ? "" : bare + "/"
}

const invalid = (target: Target, message: string): StorageError =>
  withContext(storageError("InvalidPath", message, { operation: "sync", key: target.key }), target.profile, target.url)

/** The files under a directory prefix, errors naming the directory. */
const listing = (side: Target, prefix: string) =>
  side.provider.list({ prefix }).pipe(Stream.mapError((error) => withContext(error, side.profile, side.url)))

/** One file of a directory target. */
const fileTarget = (side: Target, key: string): Target => ({ ...side, key, url: toUrl(side.profile, key) })

/** The checks before anything is listed: two distinct directories, the source not empty. */
const checkDirectories = (from: Target, to: Target): Effect.Effect<void, StorageError> =>
  Effect.gen(function*() {
    const sourcePrefix = directoryPrefix(from.key)
    const targetPrefix = directoryPrefix(to.key)
    if (from.profile === to.profile && (sourcePrefix.startsWith(targetPrefix) || targetPrefix.startsWith(sourcePrefix))) {
      return yield* invalid(to, `Cannot sync ${from.url} to ${to.url}: one directory contains the other.`)
    }
    const source = yield* infoTarget(from)
    if (source.type === "file") {
      return yield* invalid(from, `${from.url} is a file; sync works on directories (copy one file with cp).`)
    }
    if (Option.isSome(yield* headFile(to))) {
      return yield* invalid(to, `${to.url} is a file; the target of a sync is a directory.`)
    }
  })

/**
 * The permits of steps when more copies are in flight than the concurrency
 * (see the module comment): a copy holds its size in bytes (at most
 * `QUEUED_BYTES_PER_SLOT`), every other step one of `concurrency` slots.
 */
const queueGate = (concurrency: number) => {
  const bytes = Semaphore.makeUnsafe(concurrency * QUEUED_BYTES_PER_SLOT)
  const slots = Semaphore.makeUnsafe(concurrency)
  return <A, E>(step: SyncStep, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    step._tag === "Copy"
      ? Semaphore.withPermits(bytes, Math.max(1, Math.min(step.source.contentLength, QUEUED_BYTES_PER_SLOT)), effect)
      : step._tag === "Delete"
      ? Semaphore.withPermits(slots, 1, effect)
      : effect
}

/**
 * Makes the directory `to` hold what the directory `from` holds (see the
 * module comment and `SyncOptions`).
 *
 * @since 0.1.0
 * @category sync
 */
export const syncTargets = (
  from: Target,
  to: Target,
  options: SyncOptions = {}
): Effect.Effect<SyncSummary, StorageError | SyncError> =>
  Effect.gen(function*() {
    const started = Date.now()
    yield* checkDirectories(from, to)
    const dryRun = options.dryRun === true
    const emit = options.onEvent ?? (() => undefined)
    const sourcePrefix = directoryPrefix(from.key)
    const targetPrefix = directoryPrefix(to.key)
    const serverSide = from.profile === to.profile && from.provider.capabilities.copy
    const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY)
    const queue = serverSide && !dryRun ? from.provider.capabilities.copyQueue : undefined
    const queued = queue !== undefined && concurrency >= queue.running && queue.queued > concurrency ? queue.queued : undefined
    const gate = queued === undefined ? undefined : queueGate(concurrency)
    const counts = { copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0 }
    // Steps in flight, and a latch open when there are none. An interrupted
    // sync waits for them to finish or clean up: the stream does not await
    // its interrupted workers, and the process could otherwise exit between a
    // temporary file's creation and its rename or removal.
    let inFlight = 0
    const idle = Latch.makeUnsafe(true)
    const tracked = <A, E>(effect: Effect.Effect<A, E>) =>
      Effect.suspend(() => {
        if (inFlight++ === 0) idle.closeUnsafe()
        return effect.pipe(Effect.ensuring(Effect.sync(() => {
          if (--inFlight === 0) idle.openUnsafe()
        })))
      })
    const failures: Array<SyncFailure> = []

    const fail = (operation: SyncFailure["operation"], url: string, bytes: number) => (error: StorageError) =>
      Effect.sync(() => {
        const failure: SyncFailure = { url, operation, reason: error.reason, message: error.message }
        counts.failed++
        if (failures.length < MAX_FAILURES_KEPT) failures.push(failure)
        emit({ _tag: "Failed", url, bytes, failure })
      })

    const copy = (key: string, size: number, meta: Parameters<typeof streamFile>[2]) => {
      const source = fileTarget(from, sourcePrefix + key)
      const target = fileTarget(to, targetPrefix + key)
      const done = Effect.sync(() => {
        counts.copied++
        counts.bytes += size
        emit({ _tag: "Copied", url: target.url, bytes: size })
      })
      if (dryRun) return done
      const transfer = serverSide
        ? Effect.uninterruptible(from.provider.copy(source.key, target.key)).pipe(
          Effect.mapError((error) => withContext(error, to.profile, target.url))
        )
        : streamFile(source, source.key, meta, target, target.key)
      return transfer.pipe(Effect.matchEffect({ onFailure: fail("copy", target.url, size), onSuccess: () => done }))
    }

    const remove = (key: string) => {
      const target = fileTarget(to, targetPrefix + key)
      const done = Effect.sync(() => {
        counts.deleted++
        emit({ _tag: "Deleted", url: target.url })
      })
      if (dryRun) return done
      return to.provider.delete(target.key).pipe(
        // Gone already: the goal is reached.
        Effect.catchIf((error) => error.reason === "NotFound", () => Effect.void),
        Effect.mapError((error) => withContext(error, to.profile, target.url)),
        Effect.matchEffect({ onFailure: fail("delete", target.url, 0), onSuccess: () => done })
      )
    }

    const run = (step: SyncStep): Effect.Effect<void> => {
      switch (step._tag) {
        case "Skip":
          return Effect.sync(() => {
            counts.skipped++
            emit({ _tag: "Skipped", url: toUrl(to.profile, targetPrefix + step.key) })
          })
        case "Copy":
          return copy(step.key, step.source.contentLength, { ...step.source, key: sourcePrefix + step.key })
        case "Delete":
          return remove(step.key)
      }
    }

    const planned = (step: SyncStep): SyncEvent | undefined =>
      step._tag === "Skip"
        ? undefined
        : {
          _tag: "Planned",
          action: step._tag === "Copy" ? "copy" : "delete",
          url: toUrl(to.profile, targetPrefix + step.key),
          bytes: step._tag === "Copy" ? step.source.contentLength : 0
        }

    yield* planSync({
      source: listing(from, sourcePrefix),
      target: listing(to, targetPrefix),
      sourcePrefix,
      targetPrefix,
      accept: makeKeyFilter(options.patterns ?? [], options.includeHidden === true),
      deleteUnmatched: options.deleteUnmatched === true
    }).pipe(
      Stream.tap((step) =>
        Effect.sync(() => {
          const event = planned(step)
          if (event !== undefined) emit(event)
        })
      ),
      Stream.buffer({ capacity: PLAN_AHEAD }),
      Stream.mapEffect((step) => {
        const work = tracked(run(step))
        return gate === undefined ? work : gate(step, work)
      }, {
        concurrency: queued ?? concurrency,
        unordered: true
      }),
      Stream.runDrain,
      Effect.onInterrupt(() => idle.await)
    )

    const summary: SyncSummary = {
      source: from.url,
      target: to.url,
      ...counts,
      dryRun,
      seconds: (Date.now() - started) / 1000
    }
    if (counts.failed > 0) {
      const first = failures[0]!
      return yield* new SyncError({
        message: `${counts.failed} of ${counts.failed + counts.copied + counts.deleted} files failed to sync from ${from.url} to ${to.url} ` +
          `(first: ${first.message.replace(/\.$/, "")}); running the sync again retries them.`,
        summary,
        failures
      })
    }
    return summary
  })
