/**
 * The committed records of a manifest in memory: a map by logical key and
 * the keys in S3 order, so a listing under a prefix starts with a binary
 * search instead of a scan, and "is this a directory?" is one search.
 *
 * @since 0.1.0
 */
import { compareKeys, inListBounds, lowerBound } from "../../services/StorageProvider.ts"
import type { ListOptions, ObjectMetadata } from "../../services/StorageProvider.ts"
import type { ManifestRecord } from "./manifestFormat.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ManifestTable {
  readonly records: ReadonlyMap<string, ManifestRecord>
  /** Keys in S3 order. */
  readonly keys: ReadonlyArray<string>
}

/**
 * A table from records; a later record of the same key wins.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTable = (records: Iterable<ManifestRecord>): ManifestTable => {
  const map = new Map<string, ManifestRecord>()
  for (const record of records) map.set(record.meta.key, record)
  return { records: map, keys: [...map.keys()].toSorted(compareKeys) }
}

/**
 * Whether any committed key starts with `prefix` and passes `keep`.
 *
 * @since 0.1.0
 * @category queries
 */
export const hasKeyUnder = (table: ManifestTable, prefix: string, keep: (key: string) => boolean = () => true): boolean => {
  for (let i = lowerBound(table.keys, prefix); i < table.keys.length; i++) {
    const key = table.keys[i]!
    if (!key.startsWith(prefix)) return false
    if (keep(key)) return true
  }
  return false
}

const directoryRecord = (key: string, lastModified: Date): ObjectMetadata => ({
  key,
  contentLength: 0,
  lastModified,
  type: "directory"
})

/**
 * Records in `StorageProvider.list` semantics: files whose key starts with
 * `prefix`, within the bounds; with `includeDirectories` one level only,
 * each child directory once (at the place of its first key), dated by its
 * newest record as in MSC. Directory records of the manifest itself are
 * listed only in one-level listings.
 *
 * @since 0.1.0
 * @category queries
 */
export function* listTable(table: ManifestTable, options: ListOptions = {}): Generator<ObjectMetadata> {
  const prefix = options.prefix ?? ""
  const { keys, records } = table
  const start = options.startAfter !== undefined && compareKeys(options.startAfter, prefix) > 0 && !options.includeDirectories
    ? lowerBound(keys, options.startAfter)
    : lowerBound(keys, prefix)
  let directory: ObjectMetadata | undefined
  for (let i = start; i < keys.length; i++) {
    const key = keys[i]!
    if (!key.startsWith(prefix)) break
    const meta = records.get(key)!.meta
    const slash = options.includeDirectories ? key.indexOf("/", prefix.length) : -1
    if (slash < 0) {
      if (directory !== undefined) {
        yield directory
        directory = undefined
      }
      if (meta.type === "directory" && !options.includeDirectories) continue
      if (!inListBounds(key, options)) {
        // Keys only grow from here; in one-level listings a later directory may still be in bounds.
        if (!options.includeDirectories && options.endAt !== undefined && compareKeys(key, options.endAt) > 0) return
        continue
      }
      yield meta.type === "directory" ? directoryRecord(key.replace(/\/+$/, ""), meta.lastModified) : meta
      continue
    }
    const name = key.slice(0, slash)
    if (directory !== undefined && directory.key === name) {
      if (meta.lastModified > directory.lastModified) directory = directoryRecord(name, meta.lastModified)
      continue
    }
    if (directory !== undefined) yield directory
    directory = inListBounds(name, options) ? directoryRecord(name, meta.lastModified) : undefined
  }
  if (directory !== undefined) yield directory
}
