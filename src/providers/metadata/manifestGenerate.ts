/**
 * MSC's `ManifestMetadataGenerator`: list a store and write a manifest of
 * every object in it (under a prefix, when given), so a profile can then be
 * listed from the manifest. Keys under a `.msc_manifests` folder are the
 * manifests themselves and are left out, as in MSC.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { ObjectMetadata, StorageError, StorageProviderShape } from "../../services/StorageProvider.ts"
import { writeManifest } from "./manifestFiles.ts"
import type { ManifestStorage } from "./manifestFiles.ts"
import { MANIFEST_DIR } from "./manifestFormat.ts"
import type { ManifestRecord } from "./manifestFormat.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions {
  /** The store to describe. */
  readonly source: StorageProviderShape
  /** Only keys starting with it ("" for everything; a directory ends with "/"). */
  readonly prefix: string
  /** Where the manifest goes, and its root there (MSC's `manifest_path`). */
  readonly destination: ManifestStorage
  readonly manifestPath: string
  /** Called for every object recorded, for progress. */
  readonly onEntry?: ((entry: ObjectMetadata) => void) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface GenerateSummary {
  /** The new manifest's index, as a URL. */
  readonly index: string
  readonly files: number
  readonly bytes: number
}

/**
 * Lists `source` once and writes one new manifest version.
 *
 * @since 0.1.0
 * @category generating
 */
export const generateManifest = Effect.fn("Manifest.generate")(
  function*(options: GenerateOptions): Effect.fn.Return<GenerateSummary, StorageError> {
    const records: Array<ManifestRecord> = []
    let bytes = 0
    yield* options.source.list({ prefix: options.prefix }).pipe(
      Stream.runForEach((entry) =>
        Effect.sync(() => {
          if (entry.key.split("/").includes(MANIFEST_DIR)) return
          records.push({ meta: entry, physicalPath: entry.key })
          bytes += entry.contentLength
          options.onEntry?.(entry)
        })
      )
    )
    const index = yield* writeManifest(options.destination, options.manifestPath, records, new Date())
    return { index: options.destination.urlOf(index), files: records.length, bytes }
  }
)
