/**
 * MSC's `commit_metadata(prefix?)` for one profile: record the objects
 * stored under `prefix` (when given), then commit the pending changes.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
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
