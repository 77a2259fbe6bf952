/**
 * MSC's manifest files, byte for byte: an index JSON
 * (`{"version": "1", "parts": [{"path": ...}], "format": "jsonl"}`) and
 * JSONL parts, one object record per line (`key`, `size_bytes`,
 * `last_modified`, optional `type`, `content_type`, `etag`, `storage_class`,
 * `metadata`, `symlink_target`, `physical_path`). Written as Python's
 * `json.dumps` writes them (", " and ": " separators, non-ASCII escaped),
 * lines joined by "\n" with no final newline, so MSC and strata read each
 * other's manifests.
 *
 * Malformed content is a `ConfigError` naming the file (a URL), the line and
 * the field. Parquet parts are recognised and refused: strata reads and
 * writes JSONL only.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { ConfigError } from "../../services/StorageConfig.ts"
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

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

const PartLine = Schema.Struct({
  key: Schema.String,
  size_bytes: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  last_modified: Schema.String,
  type: Schema.optional(Schema.NullOr(Schema.Literals(["file", "directory"]))),
  content_type: OptionalString,
  etag: OptionalString,
  storage_class: OptionalString,
  symlink_target: OptionalString,
  physical_path: OptionalString,
  metadata: Schema.optional(Schema.NullOr(Schema.Record(Schema.String, Schema.Unknown)))
})

const Index = Schema.Struct({
  version: Schema.String,
  parts: Schema.Array(Schema.Struct({ path: Schema.String })),
  format: Schema.optional(Schema.String)
})

/** The parsed index: part paths as written, and the default part format. */
export type ManifestIndex = typeof Index.Type

/** "Expected string\n  at ["parts"][0]["path"]" becomes "parts.0.path: expected string". */
const issueText = (error: Schema.SchemaError): string =>
  error.message.split("\n").reduce<Array<string>>((out, line) => {
    const at = /^\s*at (\[.*\])$/.exec(line)
    if (at === null || out.length === 0) return [...out, line.replace(/^Expected/, "expected")]
    const path = Array.from(at[1]!.matchAll(/\[(?:"((?:[^"\\]|\\.)*)"|(\d+))\]/g), (m) => m[1] ?? m[2]).join(".")
    return [...out.slice(0, -1), `${path}: ${out.at(-1)}`]
  }, []).join("; ")

const malformed = (file: string, what: string, where: { readonly line?: number; readonly path?: string } = {}) =>
  new ConfigError({
    message: `The manifest file ${file} is malformed${where.line === undefined ? "" : ` at line ${where.line}`}: ${what}.`,
    file,
    ...where
  })

/** JSON.parse's message, with V8's "(line L column C)" turned into our line number. */
const parseJson = (text: string, file: string, line?: number): Result.Result<unknown, ConfigError> => {
  try {
    return Result.succeed(JSON.parse(text))
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    const inner = /\(line (\d+) column \d+\)/.exec(message)
    const at = line ?? (inner === null ? undefined : Number(inner[1]))
    return Result.fail(malformed(file, `not valid JSON (${message})`, at === undefined ? {} : { line: at }))
  }
}

/**
 * Parses an index file; only version "1" is accepted, as in MSC.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseIndex = (text: string, file: string): Result.Result<ManifestIndex, ConfigError> =>
  Result.flatMap(parseJson(text, file), (json) => {
    const decoded = Schema.decodeUnknownResult(Index)(json, { errors: "all" })
    if (Result.isFailure(decoded)) return Result.fail(malformed(file, issueText(decoded.failure)))
    if (decoded.success.version !== "1") {
      return Result.fail(malformed(file, `manifest version '${decoded.success.version}' is not supported (expected "1")`, {
        path: "version"
      }))
    }
    return Result.succeed(decoded.success)
  })

/** ISO-8601 as MSC's writers produce it; a time without offset is UTC. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i

const parseTime = (text: string): Date | undefined => {
  if (!ISO_TIME.test(text)) return undefined
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || text.length === 10 ? text : `${text}Z`
  // Date keeps milliseconds; MSC's microseconds are cut, not rounded.
  const date = new Date(withZone.replace(/(\.\d{3})\d+/, "$1"))
  return Number.isNaN(date.getTime()) ? undefined : date
}

const asString = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value))

/**
 * Parses one part (JSONL). Blank lines are skipped; every other line must be
 * one record.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePart = (text: string, file: string): Result.Result<Array<ManifestRecord>, ConfigError> => {
  const records: Array<ManifestRecord> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === "") continue
    const json = parseJson(line, file, i + 1)
    if (Result.isFailure(json)) return Result.fail(json.failure)
    const decoded = Schema.decodeUnknownResult(PartLine)(json.success, { errors: "all" })
    if (Result.isFailure(decoded)) return Result.fail(malformed(file, issueText(decoded.failure), { line: i + 1 }))
    const entry = decoded.success
    const lastModified = parseTime(entry.last_modified)
    if (lastModified === undefined) {
      return Result.fail(malformed(file, `last_modified: expected an ISO-8601 time, got '${entry.last_modified}'`, {
        line: i + 1,
        path: "last_modified"
      }))
    }
    const attributes = entry.metadata ?? undefined
    records.push({
      meta: {
        key: entry.key,
        contentLength: entry.size_bytes,
        lastModified,
        type: entry.type ?? "file",
        ...(entry.content_type == null ? {} : { contentType: entry.content_type }),
        ...(entry.etag == null ? {} : { etag: entry.etag }),
        ...(attributes === undefined
          ? {}
          : { metadata: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, asString(v)])) })
      },
      physicalPath: entry.physical_path ?? entry.key,
      ...(entry.storage_class == null ? {} : { storageClass: entry.storage_class }),
      ...(entry.symlink_target == null ? {} : { symlinkTarget: entry.symlink_target }),
      ...(attributes === undefined ? {} : { attributes })
    })
  }
  return Result.succeed(records)
}

/** Python's `json.dumps` with its defaults: ", " / ": " separators, non-ASCII as \uXXXX. */
const pythonJson = (value: unknown): string => {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value ?? null).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  }
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`
  return `{${Object.entries(value).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(", ")}}`
}

/** `%Y-%m-%dT%H:%M:%S.%fZ`, MSC's `last_modified`. */
const formatTime = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z")

/**
 * One record as a JSONL line, fields in MSC's order (`size_bytes` last).
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatRecord = (record: ManifestRecord): string => {
  const { meta } = record
  const attributes = record.attributes ?? meta.metadata
  const line: Record<string, unknown> = { key: meta.key, last_modified: formatTime(meta.lastModified), type: meta.type }
  if (meta.contentType !== undefined) line["content_type"] = meta.contentType
  if (meta.etag !== undefined) line["etag"] = meta.etag
  if (record.storageClass !== undefined) line["storage_class"] = record.storageClass
  if (attributes !== undefined) line["metadata"] = attributes
  if (record.symlinkTarget !== undefined) line["symlink_target"] = record.symlinkTarget
  line["physical_path"] = record.physicalPath
  line["size_bytes"] = meta.contentLength
  return pythonJson(line)
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

/**
 * The format of a part from its extension (which wins, as in MSC), else the
 * index's `format`; anything but JSONL is refused with a sentence.
 *
 * @since 0.1.0
 * @category parsing
 */
export const checkPartFormat = (
  part: string,
  indexFormat: string | undefined,
  indexFile: string
): Result.Result<void, ConfigError> => {
  const name = part.slice(part.lastIndexOf("/") + 1)
  const dot = name.lastIndexOf(".")
  const format = dot > 0 ? name.slice(dot + 1) : indexFormat ?? "jsonl"
  if (format === "jsonl") return Result.void
  return Result.fail(malformed(
    indexFile,
    format === "parquet"
      ? `part '${part}' is Parquet, which strata does not read (regenerate the manifest as JSONL)`
      : `part '${part}' has the unsupported format '${format}' (expected jsonl)`,
    { path: "parts" }
  ))
}
