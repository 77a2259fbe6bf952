/**
 * MSC's manifest files as MSC writes them, byte for byte: an index JSON
 * (`{"version": "1", "parts": [{"path": ...}], "format": "jsonl"}`) and JSONL
 * parts, one object record per line (`key`, `last_modified`, `type`,
 * optional `content_type`, `etag`, `storage_class`, `metadata`,
 * `symlink_target`, then `physical_path` and `size_bytes`), written as
 * Python's `json.dumps` writes them (", " and ": " separators, non-ASCII
 * escaped), lines joined by "\n" with no final newline, so MSC and strata
 * read each other's manifests. Reading is in `manifestParse.ts`.
 *
 * @since 0.1.0
 */
import type { ObjectMetadata } from "../../services/StorageProvider.ts"

/** The folder, below a manifest root, holding one folder per manifest version. */
export const MANIFEST_DIR = ".msc_manifests"
export const INDEX_FILE = "msc_manifest_index.json"
export const PARTS_DIR = "parts"
const PART_PREFIX = "msc_manifest_part"

/**
 * One manifest line: what listings return (`meta`, logical key) and where
 * the bytes are (`physicalPath`), plus the fields strata's `ObjectMetadata`
 * has no place for, kept to be written back unchanged.
 *
 * @since 0.1.0
 * @category models
 */
export interface ManifestRecord {
  readonly meta: ObjectMetadata
  readonly physicalPath: string
  readonly storageClass?: string | undefined
  readonly symlinkTarget?: string | undefined
  /** User attributes as written (values may be any JSON); `meta.metadata` has them as strings. */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

const NON_ASCII = /[\u0080-\uffff]/g

/** Python's `json.dumps` with its defaults: ", " / ": " separators, non-ASCII as \uXXXX. */
const pythonJson = (value: unknown): string => {
  if (value === null || typeof value !== "object") {
    const json = JSON.stringify(value ?? null)
    NON_ASCII.lastIndex = 0
    return NON_ASCII.test(json)
      ? json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      : json
  }
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`
  return `{${Object.entries(value).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(", ")}}`
}

/** `%Y-%m-%dT%H:%M:%S.%fZ`, MSC's `last_modified`. */
const formatTime = (date: Date): string => `${date.toISOString().slice(0, -1)}000Z`

/**
 * One record as a JSONL line, fields in MSC's order (`size_bytes` last).
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatRecord = (record: ManifestRecord): string => {
  const { meta } = record
  const attributes = record.attributes ?? meta.metadata
  // Built as text, not as an object for pythonJson: this runs once per object of a store.
  let line = `{"key": ${pythonJson(meta.key)}, "last_modified": "${formatTime(meta.lastModified)}", "type": ${pythonJson(meta.type)}`
  if (meta.contentType !== undefined) line += `, "content_type": ${pythonJson(meta.contentType)}`
  if (meta.etag !== undefined) line += `, "etag": ${pythonJson(meta.etag)}`
  if (record.storageClass !== undefined) line += `, "storage_class": ${pythonJson(record.storageClass)}`
  if (attributes !== undefined) line += `, "metadata": ${pythonJson(attributes)}`
  if (record.symlinkTarget !== undefined) line += `, "symlink_target": ${pythonJson(record.symlinkTarget)}`
  return `${line}, "physical_path": ${pythonJson(record.physicalPath)}, "size_bytes": ${meta.contentLength}}`
}

/**
 * A part's content: one line per record, no trailing newline.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatPart = (records: Iterable<ManifestRecord>): string => Array.from(records, formatRecord).join("\n")

/**
 * The index of a manifest of `parts` JSONL parts.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatIndex = (partPaths: ReadonlyArray<string>): string =>
  pythonJson({ version: "1", parts: partPaths.map((path) => ({ path })), format: "jsonl" })

/**
 * The n-th (1-based) part's path relative to the index: `parts/msc_manifest_part000001.jsonl`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const partPath = (n: number): string => `${PARTS_DIR}/${PART_PREFIX}${String(n).padStart(6, "0")}.jsonl`

/**
 * A manifest version's folder name: UTC, whole seconds, Python's
 * `isoformat(timespec="seconds")` (`2026-11-23T06:59:20+00:00`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const versionFolder = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "+00:00")
