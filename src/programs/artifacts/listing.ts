/**
 * One level of an artifact directory as the HTTP API shows it: entry names
 * by stem (sorted, without those starting with `.` or `_`), its files with
 * their times, and the directory's time (the latest of its `_meta_.json`
 * and files: object stores keep no directory times).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { extensionOf } from "../../layers/artifacts/fields.ts"
import { fromStorage, listEntries } from "../../layers/artifacts/store.ts"
import type { ArtifactError } from "../../services/Artifacts.ts"
import type { StorageClientShape } from "../../services/StorageClient.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface DirectoryListing {
  readonly names: ReadonlyArray<string>
  readonly files: ReadonlyArray<{ readonly name: string; readonly lastModified: Date }>
  readonly lastModified: Date | undefined
}

/**
 * The listing, or undefined when the URL is not a directory.
 *
 * @since 0.1.0
 * @category listing
 */
export const listDirectory = (client: StorageClientShape, url: string): Effect.Effect<DirectoryListing | undefined, ArtifactError> =>
  Effect.gen(function*() {
    const info = yield* client.info(url).pipe(
      Effect.map((meta) => meta as typeof meta | undefined),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(undefined)),
      Effect.mapError(fromStorage)
    )
    if (info === undefined || info.type !== "directory") return undefined
    const entries = yield* listEntries(client, url)
    const files = entries.filter((entry) => entry.type === "file").map(({ lastModified, name }) => ({ name, lastModified }))
    const names = new Set<string>()
    for (const { name, type } of entries) {
      const stem = type === "file" && extensionOf(name) !== "" ? name.slice(0, -extensionOf(name).length) : name
      if (!stem.startsWith(".") && !stem.startsWith("_")) names.add(stem)
    }
    const times = files.map((file) => file.lastModified.getTime())
    return { names: [...names].toSorted(), files, lastModified: times.length === 0 ? undefined : new Date(Math.max(...times)) }
  })
