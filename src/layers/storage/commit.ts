/**
 * MSC's `commit_metadata(prefix?)` for one profile: record the objects
 * stored under `prefix` (when given), then commit the pending changes; and
 * its `autocommit` profile setting.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Stream } from "effect"
import type { Scope } from "effect"
import type { MetadataProviderShape } from "../../services/MetadataProvider.ts"
import type { StorageError, StorageProviderShape } from "../../services/StorageProvider.ts"
import { stripSlashes } from "./listing.ts"

/**
 * Commits `metadata`. A non-empty `prefix` first lists `storage` (the
 * physical store) below it and records every object there; a path that is
 * tracked already is left as it is unless overwrites are allowed.
 *
 * @since 0.1.0
 * @category metadata
 */
export const commitProfileMetadata = (
  storage: StorageProviderShape,
  metadata: MetadataProviderShape,
  prefix: string
): Effect.Effect<void, StorageError> =>
  Effect.gen(function*() {
    const directory = stripSlashes(prefix)
    if (directory !== "") {
      yield* storage.list({ prefix: `${directory}/` }).pipe(
        Stream.runForEach((entry) =>
          Effect.flatMap(metadata.realpath(entry.key), (resolved) =>
            resolved.state === "exists" && !metadata.allowOverwrites ? Effect.void : metadata.add(entry.key, entry))
        )
      )
    }
    yield* metadata.commit
  })

/**
 * MSC's `autocommit` for a profile's metadata provider, in the scope the
 * provider lives in: a commit every `interval_minutes` (none when absent or
 * 0) and one when the scope closes (`at_exit`, i.e. when the client is
 * closed). A failed automatic commit is logged and leaves the changes
 * pending for the next one.
 *
 * @since 0.1.0
 * @category metadata
 */
export const startAutocommit = (
  profile: string,
  metadata: MetadataProviderShape,
  settings: { readonly interval_minutes?: number | undefined; readonly at_exit?: boolean | undefined } | undefined
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const commit = metadata.commit.pipe(
      Effect.catch((error) => Effect.logError(`Automatic metadata commit of profile '${profile}' failed: ${error.message}`))
    )
    const minutes = settings?.interval_minutes ?? 0
    if (minutes > 0) yield* commit.pipe(Effect.delay(Duration.minutes(minutes)), Effect.forever, Effect.forkScoped)
    if (settings?.at_exit === true) yield* Effect.addFinalizer(() => commit)
  })
