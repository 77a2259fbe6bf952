/**
 * The storage backend contract: one object store (memory, local disk, S3 ...)
 * seen through a small set of operations on keys relative to the provider's
 * base path. Wrappers (retry, instrumentation, read cache) are layers that take
 * a `StorageProvider` and give one back; `StorageClient` sits on top.
 *
 * Keys are "/"-separated, never start with "/", and are ordered by S3 byte
 * order (UTF-8 bytes, which is Unicode code point order).
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect, Stream } from "effect"

/**
 * Why a storage operation failed. `Unavailable` is the only retryable reason.
 *
 * @since 0.1.0
 * @category errors
 */
export const StorageErrorReason = Schema.Literals([
  "NotFound",
  "PreconditionFailed",
  "NotModified",
  "InvalidRange",
  "AlreadyExists",
  "PermissionDenied",
  "Unavailable",
  "Unsupported",
  "InvalidPath"
])
export type StorageErrorReason = typeof StorageErrorReason.Type

/**
 * The one error of the storage services. `message` is a sentence a user can
 * read; `key` and `profile` say which object; `cause` keeps the backend's error
 * for debugging and is never printed by the CLI.
 *
 * @since 0.1.0
 * @category errors
 */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  reason: StorageErrorReason,
  message: Schema.String,
  operation: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  profile: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect())
}) {
  /** Only transient failures are worth another attempt. */
  get retryable(): boolean {
    return this.reason === "Unavailable"
  }
}

/**
 * Metadata of one object (or of a directory, in listings with
 * `includeDirectories`). `etag` has no quotes; `metadata` holds user
 * attributes.
 *
 * @since 0.1.0
 * @category models
 */
export const ObjectMetadata = Schema.Struct({
  key: Schema.String,
  contentLength: Schema.Number,
  lastModified: Schema.Date,
  type: Schema.Literals(["file", "directory"]),
  contentType: Schema.optional(Schema.String),
  etag: Schema.optional(Schema.String),
  metadata: Schema.optional(Schema.Record(Schema.String, Schema.String))
})
export type ObjectMetadata = typeof ObjectMetadata.Type

/**
 * What a provider supports. Behaviour suites choose their cases from it, and an
 * operation outside it fails with reason `Unsupported`.
 *
 * @since 0.1.0
 * @category models
 */
export const Capabilities = Schema.Struct({
  /** Reads of a byte range. */
  rangeRead: Schema.Boolean,
  /** `ifMatch` / `ifNoneMatch` on reads. */
  conditionalRead: Schema.Boolean,
  /** `ifMatch` on puts. */
  conditionalWrite: Schema.Boolean,
  /** `ifNoneMatch: "*"` on puts (create only). */
  createOnly: Schema.Boolean,
  /** `ifMatch` on deletes. */
  conditionalDelete: Schema.Boolean,
  /** User metadata on puts, returned by head. */
  userMetadata: Schema.Boolean,
  /** Content type kept on puts, returned by head. */
  contentType: Schema.Boolean,
  /** Server-side copy within the provider. */
  copy: Schema.Boolean,
  /** Writes at all (false for read-only providers). */
  write: Schema.Boolean,
  /**
   * For a provider that runs its server-side copies itself, at most
   * `running` at a time, and keeps up only when `queued` are handed over
   * before earlier ones finish (posix: its copy threads). A sync whose
   * concurrency is at least `running` then keeps up to `queued` copies in
   * flight; absent, a sync's concurrency bounds its copies in flight.
   */
  copyQueue: Schema.optional(Schema.Struct({ running: Schema.Number, queued: Schema.Number }))
})
export type Capabilities = typeof Capabilities.Type

/**
 * Every capability: what a provider that supports the whole contract declares.
 *
 * @since 0.1.0
 * @category models
 */
export const allCapabilities: Capabilities = {
  rangeRead: true,
  conditionalRead: true,
  conditionalWrite: true,
  createOnly: true,
  conditionalDelete: true,
  userMetadata: true,
  contentType: true,
  copy: true,
  write: true
}

/**
 * A byte range: `offset` from the start, `length` bytes at most (to the end
 * when absent). A range past the end of the object fails with `InvalidRange`;
 * a range that starts exactly at the end is empty.
 *
 * @since 0.1.0
 * @category models
 */
export interface ByteRange {
  readonly offset: number
  readonly length?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ReadOptions {
  readonly range?: ByteRange | undefined
  /** Fail with `PreconditionFailed` unless the object's etag is this one. */
  readonly ifMatch?: string | undefined
  /** Fail with `NotModified` when the object's etag is this one. */
  readonly ifNoneMatch?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PutOptions {
  readonly contentType?: string | undefined
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Write only if the current object's etag is this one (`PreconditionFailed` otherwise, `NotFound` if absent). */
  readonly ifMatch?: string | undefined
  /** `"*"`: write only if no object exists (`AlreadyExists` otherwise). */
  readonly ifNoneMatch?: "*" | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DeleteOptions {
  /** Delete only if the object's etag is this one (`PreconditionFailed` otherwise). */
  readonly ifMatch?: string | undefined
}

/**
 * A listing in S3 semantics: `prefix` is a raw key prefix (`a/b` matches
 * `a/b.txt` and `a/bc/d`), `startAfter` is exclusive, `endAt` inclusive, both
 * full keys. With `includeDirectories` the listing is one level deep: the
 * "directories" directly below `prefix` (up to its last "/") come back as
 * entries of type `directory`, keys without the trailing slash.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  readonly prefix?: string | undefined
  readonly startAfter?: string | undefined
  readonly endAt?: string | undefined
  readonly includeDirectories?: boolean | undefined
}

/**
 * The body of a put: bytes already in memory, or a stream of chunks.
 *
 * @since 0.1.0
 * @category models
 */
export type Body<E = never> = Uint8Array | Stream.Stream<Uint8Array, E>

/**
 * The operations every storage backend implements.
 *
 * @since 0.1.0
 * @category models
 */
export interface StorageProviderShape {
  /** The provider type, as named in config files (`memory`, `file`, `s3` ...). */
  readonly type: string
  readonly capabilities: Capabilities
  /**
   * `false` when the operations make no spans and read no trace context of
   * their own (the local providers): instrumentation then records their
   * spans without making them the current span inside, a context change per
   * operation saved. Absent means they may.
   */
  readonly tracesInside?: boolean | undefined
  /** Metadata of a file. Directories are not objects: they fail with `NotFound`. */
  readonly head: (key: string) => Effect.Effect<ObjectMetadata, StorageError>
  /** The object's content, streamed in chunks. */
  readonly read: (key: string, options?: ReadOptions) => Stream.Stream<Uint8Array, StorageError>
  /** The object's content in one buffer, for small objects. */
  readonly getBytes: (key: string, options?: ReadOptions) => Effect.Effect<Uint8Array, StorageError>
  /** Writes an object atomically: readers see the old content or the new, never a part. */
  readonly put: <E = never>(
    key: string,
    body: Body<E>,
    options?: PutOptions
  ) => Effect.Effect<ObjectMetadata, StorageError | E>
  /** Deletes a file; a missing one fails with `NotFound`. */
  readonly delete: (key: string, options?: DeleteOptions) => Effect.Effect<void, StorageError>
  /** Server-side copy within this provider. */
  readonly copy: (source: string, target: string) => Effect.Effect<ObjectMetadata, StorageError>
  /** Objects (and, when asked, directories) in S3 byte order. */
  readonly list: (options?: ListOptions) => Stream.Stream<ObjectMetadata, StorageError>
}

/**
 * The storage backend service. A program usually has one per profile, built
 * by `StorageClient` from the config file; a test provides one directly.
 *
 * @since 0.1.0
 * @category services
 */
export class StorageProvider extends Context.Service<StorageProvider, StorageProviderShape>()(
  "strata/StorageProvider"
) {}

/**
 * Orders keys as S3 does: by UTF-8 bytes, which is code point order. (Plain
 * `<` compares UTF-16 code units and puts U+E000..U+FFFF after astral
 * characters.)
 *
 * @since 0.1.0
 * @category ordering
 */
export const compareKeys = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (0xD800..0xDFFF) stand for code points above 0xFFFF, so they
    // sort after every other BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? 1 : -1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

/**
 * The index of the first of `keys` (sorted by `compareKeys`) not below
 * `bound`: where a listing from `bound` starts.
 *
 * @since 0.1.0
 * @category ordering
 */
export const lowerBound = (keys: ReadonlyArray<string>, bound: string): number => {
  let low = 0
  let high = keys.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (compareKeys(keys[mid]!, bound) < 0) low = mid + 1
    else high = mid
  }
  return low
}

/**
 * Whether a key lies inside the bounds of a listing.
 *
 * @since 0.1.0
 * @category ordering
 */
export const inListBounds = (key: string, options: ListOptions): boolean =>
  (options.startAfter === undefined || compareKeys(key, options.startAfter) > 0) &&
  (options.endAt === undefined || compareKeys(key, options.endAt) <= 0)

/**
 * Builds a `StorageError` from a reason and a sentence.
 *
 * @since 0.1.0
 * @category errors
 */
export const storageError = (
  reason: StorageErrorReason,
  message: string,
  fields: { readonly operation?: string; readonly key?: string; readonly cause?: unknown } = {}
): StorageError => new StorageError({ reason, message, ...fields })
