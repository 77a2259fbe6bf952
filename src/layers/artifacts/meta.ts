/**
 * Artisan's `_meta_.json`: the spec an artifact directory was built from and
 * its build events, plus the rules that decide whether a directory is an
 * artifact, whether its spec matches a request, and what a new directory is
 * called.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The file name of an artifact's metadata.
 *
 * @since 0.1.0
 * @category constants
 */
export const META_FILE = "_meta_.json"

/**
 * @since 0.1.0
 * @category models
 */
export const BuildEvent = Schema.Struct({
  type: Schema.String,
  timestamp: Schema.String,
  message: Schema.optionalKey(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type BuildEvent = typeof BuildEvent.Type

/**
 * A valid `_meta_.json`: an object `spec` and a list of events, each with a
 * string `type` and `timestamp` (anything else makes the directory neither
 * an artifact nor a directory to search into, as in Artisan).
 *
 * @since 0.1.0
 * @category models
 */
export const ArtifactMeta = Schema.Struct({
  spec: Schema.Record(Schema.String, Schema.Unknown),
  events: Schema.Array(BuildEvent)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ArtifactMeta = typeof ArtifactMeta.Type

const decodeMeta = Schema.decodeUnknownOption(ArtifactMeta)

/**
 * The metadata in a `_meta_.json` text, or `undefined` when it is not valid.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseMeta = (text: string): ArtifactMeta | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const decoded = decodeMeta(json)
  return decoded._tag === "Some" ? decoded.value : undefined
}

/**
 * `_meta_.json` as Artisan writes it (2-space indentation).
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatMeta = (meta: ArtifactMeta): string => `${JSON.stringify(meta, null, 2)}\n`

const pad = (value: number, width = 2) => String(value).padStart(width, "0")

/**
 * A build event stamped like Artisan's: local time, no zone, microseconds
 * (`2026-11-23T07:04:13.859000`; JS clocks give milliseconds).
 *
 * @since 0.1.0
 * @category constructors
 */
export const buildEvent = (type: "Start" | "Success" | "Failure", now: Date, message?: string): BuildEvent => {
  const timestamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${
    pad(now.getMinutes())
  }:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}000`
  return message === undefined ? { type, timestamp } : { type, timestamp, message }
}

/**
 * True when a build failed: such an artifact is never matched again.
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasFailed = (meta: ArtifactMeta): boolean => meta.events.some((event) => event.type === "Failure")

/**
 * True when a build finished successfully.
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasSucceeded = (meta: ArtifactMeta): boolean =>
  !hasFailed(meta) && meta.events.some((event) => event.type === "Success")

/**
 * Spec equality, as Artisan's with one deliberate difference: deep, key
 * order irrelevant, numbers by value (JSON cannot tell `2` from `2.0`
 * anyway), but `true` never equals `1` (Python's `True == 1` is an accident of
 * `bool` subclassing `int`, and matching a flag to a count would reuse the
 * wrong artifact).
 *
 * @since 0.1.0
 * @category predicates
 */
export const specEquals = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => specEquals(item, b[i]))
  }
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = Object.keys(left)
  return keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && specEquals(left[key], right[key]))
}

/**
 * The name of the `index`-th candidate directory for a new artifact:
 * `<TypeName>_<4 lowercase hex digits>` (`T_0009` is followed by `T_000a`).
 *
 * @since 0.1.0
 * @category naming
 */
export const artifactDirName = (typeName: string, index: number): string =>
  `${typeName}_${index.toString(16).padStart(4, "0")}`

/**
 * The index in a directory name made by `artifactDirName` for `typeName`, or
 * undefined for any other name. (Compared as a prefix, not a pattern: type
 * names may hold characters that mean something in a RegExp.)
 *
 * @since 0.1.0
 * @category naming
 */
export const artifactDirIndex = (typeName: string, dirName: string): number | undefined => {
  const prefix = `${typeName}_`
  const hex = dirName.slice(prefix.length)
  return dirName.startsWith(prefix) && /^[0-9a-f]{4,}$/.test(hex) ? parseInt(hex, 16) : undefined
}
