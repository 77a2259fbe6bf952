/**
 * Finding, reading and writing MSC manifests through a storage provider
 * (the profile's own, or the one `storage_provider_profile` names).
 *
 * `manifest_path` may name the index file, a folder holding
 * `msc_manifest_index.json`, or a folder under which
 * `.msc_manifests/<version>/msc_manifest_index.json` exist: the greatest
 * version name (the newest timestamp) wins. A new version is written as
 * `<root>/.msc_manifests/<UTC seconds>/` with its part first and its index
 * last, so a reader never finds an index whose part is missing.
 *
 * @since 0.1.0
 */
import { Effect, Option, Result, Stream } from "effect"
import * as posix from "node:path/posix"
import { ConfigError } from "../../services/StorageConfig.ts"
import { compareKeys } from "../../services/StorageProvider.ts"
import type { StorageError, StorageProviderShape } from "../../services/StorageProvider.ts"
import { formatIndex, formatPart, INDEX_FILE, MANIFEST_DIR, partPath, versionFolder } from "./manifestFormat.ts"
import { checkPartFormat, parseIndex, parsePart } from "./manifestParse.ts"
import type { ManifestRecord } from "./manifestFormat.ts"

/**
 * Where manifests are read and written: a storage provider, and how to name
 * its keys in messages.
 *
 * @since 0.1.0
 * @category models
 */
export interface ManifestStorage {
  readonly storage: StorageProviderShape
  readonly urlOf: (key: string) => string
}

/** "a/b" joined as posix paths, "" dropped, never a leading "/". */
const join = (...parts: ReadonlyArray<string>): string => posix.join(...parts.filter((p) => p !== "")).replace(/^\.$/, "")

const isFile = (storage: StorageProviderShape, key: string): Effect.Effect<boolean, StorageError> =>
  key === ""
    ? Effect.succeed(false)
    : storage.head(key).pipe(
      Effect.map((meta) => meta.type === "file"),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(false))
    )

/**
 * The index file `manifestPath` names, or none when there is no manifest yet.
 *
 * @since 0.1.0
 * @category loading
 */
export const findIndex = Effect.fnUntraced(function*(storage: StorageProviderShape, manifestPath: string) {
  if (yield* isFile(storage, manifestPath)) return Option.some(manifestPath)
  const direct = join(manifestPath, INDEX_FILE)
  if (yield* isFile(storage, direct)) return Option.some(direct)
  const root = manifestPath.split("/").includes(MANIFEST_DIR) ? manifestPath : join(manifestPath, MANIFEST_DIR)
  const versions = yield* storage.list({ prefix: `${root.replace(/\/+$/, "")}/`, includeDirectories: true }).pipe(
    Stream.filter((entry) => entry.type === "directory"),
    Stream.runCollect
  )
  for (const version of versions.map((entry) => entry.key).toSorted((a, b) => compareKeys(b, a))) {
    const index = join(version, INDEX_FILE)
    if (yield* isFile(storage, index)) return Option.some(index)
  }
  return Option.none<string>()
})

const text = (at: ManifestStorage, key: string) =>
  Effect.map(at.storage.getBytes(key), (bytes) => new TextDecoder().decode(bytes))

/**
 * Every record of the manifest at `indexKey`, parts in index order (a key
 * in a later part replaces the same key in an earlier one).
 *
 * @since 0.1.0
 * @category loading
 */
export const readManifest = Effect.fnUntraced(function*(at: ManifestStorage, indexKey: string) {
  const indexFile = at.urlOf(indexKey)
  const index = yield* Effect.fromResult(parseIndex(yield* text(at, indexKey), indexFile))
  const records: Array<ManifestRecord> = []
  const folder = posix.dirname(indexKey)
  for (const [i, part] of index.parts.entries()) {
    yield* Effect.fromResult(checkPartFormat(part.path, index.format, indexFile))
    // An absolute part path is a key from the storage root, as MSC's providers treat it.
    const key = part.path.startsWith("/") ? posix.normalize(part.path).slice(1) : join(folder === "." ? "" : folder, part.path)
    if (key === "" || key === ".." || key.startsWith("../")) {
      return yield* new ConfigError({
        message: `The manifest file ${indexFile} is malformed: part '${part.path}' lies outside the storage root.`,
        file: indexFile,
        path: `parts.${i}.path`
      })
    }
    const parsed = parsePart(yield* text(at, key), at.urlOf(key))
    if (Result.isFailure(parsed)) return yield* parsed.failure
    for (const record of parsed.success) records.push(record)
  }
  return records
})

/**
 * Writes a new manifest version holding `records` and returns its index key.
 * The version folder sits in the `.msc_manifests` folder `manifestPath` names
 * or contains (MSC's rule), named after the current UTC second.
 *
 * @since 0.1.0
 * @category writing
 */
export const writeManifest = Effect.fnUntraced(function*(
  at: ManifestStorage,
  manifestPath: string,
  records: Iterable<ManifestRecord>,
  now: Date
) {
  const segments = manifestPath.split("/")
  const dir = segments.indexOf(MANIFEST_DIR)
  const base = dir >= 0 ? segments.slice(0, dir).join("/") : manifestPath
  const folder = join(base, MANIFEST_DIR, versionFolder(now))
  const part = partPath(1)
  const encoder = new TextEncoder()
  yield* at.storage.put(join(folder, part), encoder.encode(formatPart(records)))
  const indexKey = join(folder, INDEX_FILE)
  yield* at.storage.put(indexKey, encoder.encode(formatIndex([part])))
  return indexKey
})
