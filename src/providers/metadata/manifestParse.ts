/**
 * Reading MSC's manifest files (see `manifestFormat.ts`): the index (only
 * version "1", as in MSC) and JSONL parts, one record per line; blank lines
 * are skipped. Malformed content is a `ConfigError` naming the file (a URL),
 * the line and the field. Parquet parts are recognised and refused: strata
 * reads and writes JSONL only.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { issueText } from "../../layers/config/issues.ts"
import { ConfigError } from "../../services/StorageConfig.ts"
import type { ManifestRecord } from "./manifestFormat.ts"

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

const decodeLine = Schema.decodeUnknownResult(PartLine)

const OPTIONAL_STRINGS = ["content_type", "etag", "storage_class", "symlink_target", "physical_path"] as const

/**
 * The common case of `PartLine`, checked by hand: Schema decoding costs about
 * 5 µs a line, most of a 100,000-line load, so valid lines take this path
 * and only a line it rejects goes through `PartLine` (the rules' source of
 * truth, and of the error message).
 */
const isPlainLine = (value: unknown): value is typeof PartLine.Type => {
  if (typeof value !== "object" || value === null) return false
  const line = value as Record<string, unknown>
  const size = line["size_bytes"]
  if (typeof line["key"] !== "string" || typeof line["last_modified"] !== "string") return false
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return false
  const type = line["type"]
  if (type !== undefined && type !== null && type !== "file" && type !== "directory") return false
  for (const field of OPTIONAL_STRINGS) {
    const v = line[field]
    if (v !== undefined && v !== null && typeof v !== "string") return false
  }
  const metadata = line["metadata"]
  return metadata === undefined || metadata === null || (typeof metadata === "object" && !Array.isArray(metadata))
}

const Index = Schema.Struct({
  version: Schema.String,
  parts: Schema.Array(Schema.Struct({ path: Schema.String })),
  format: Schema.optional(Schema.String)
})

/** The parsed index: part paths as written, and the default part format. */
export type ManifestIndex = typeof Index.Type

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

const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i

const parseTime = (text: string): Date | undefined => {
  if (!ISO_TIME.test(text)) return undefined
  // Date keeps milliseconds: MSC's microseconds are cut (V8 truncates them), not rounded.
  const date = new Date(HAS_ZONE.test(text) || text.length === 10 ? text : `${text}Z`)
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
  const lines = text.split("\n")
  const numbers: Array<number> = []
  const kept: Array<string> = []
  lines.forEach((line, i) => {
    if (line.trim() === "") return
    numbers.push(i + 1)
    kept.push(line)
  })
  // One JSON.parse of the whole part is several times faster than one per line;
  // only a part that fails is parsed again line by line, to say where.
  let values: Array<unknown>
  try {
    values = JSON.parse(`[${kept.join(",")}]`)
    if (values.length !== kept.length) throw new Error("a line holds more than one value")
  } catch {
    values = []
    for (const [i, line] of kept.entries()) {
      const json = parseJson(line, file, numbers[i])
      if (Result.isFailure(json)) return Result.fail(json.failure)
      values.push(json.success)
    }
  }
  const records: Array<ManifestRecord> = []
  for (const [i, value] of values.entries()) {
    const line = numbers[i]!
    const decoded = isPlainLine(value) ? Result.succeed(value) : decodeLine(value, { errors: "all" })
    if (Result.isFailure(decoded)) return Result.fail(malformed(file, issueText(decoded.failure), { line }))
    const entry = decoded.success
    const lastModified = parseTime(entry.last_modified)
    if (lastModified === undefined) {
      return Result.fail(malformed(file, `last_modified: expected an ISO-8601 time, got '${entry.last_modified}'`, {
        line,
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
