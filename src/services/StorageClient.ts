/**
 * The user-facing storage API: operations on URLs (`msc://profile/path`,
 * local paths, `file://`, `s3://bucket/key` ...), each resolved to a profile's
 * provider stack and a key. Paths name a file or a directory, never a partial
 * prefix, as in MSC.
 *
 * @since 0.1.0
 */
import { Context } from "effect"
import type { Effect, Stream } from "effect"
import type {
  Body,
  ObjectMetadata,
  PutOptions,
  ReadOptions,
  StorageError,
  StorageProviderShape
} from "./StorageProvider.ts"
import type { SyncError, SyncOptions, SyncSummary } from "./StorageSync.ts"

/**
 * A URL resolved to its profile and the key inside that profile's base path.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedPath {
  readonly profile: string
  /** Key relative to the profile's base path; "" is the profile's root. */
  readonly key: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ClientListOptions {
  /** Walk the whole tree (default) or one level with directories. */
  readonly recursive?: boolean | undefined
  /** Exclusive lower bound, a key relative to the profile's base path. */
  readonly startAfter?: string | undefined
  /** Inclusive upper bound, a key relative to the profile's base path. */
  readonly endAt?: string | undefined
}

/**
 * A listed entry: the provider's metadata plus the URL that names it again.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListedObject extends ObjectMetadata {
  readonly url: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DeleteResult {
  readonly deleted: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StorageClientShape {
  /** Which profile and key a URL names. */
  readonly resolve: (url: string) => Effect.Effect<ResolvedPath, StorageError>
  /** The provider stack of a profile, built on first use. */
  readonly provider: (profile: string) => Effect.Effect<StorageProviderShape, StorageError>
  /** Files under a directory URL (or the one file a file URL names), in S3 order. */
  readonly list: (url: string, options?: ClientListOptions) => Stream.Stream<ListedObject, StorageError>
  /** URLs matching a glob (`*`, `?`, `[...]`, `**`), sorted. */
  readonly glob: (pattern: string) => Effect.Effect<ReadonlyArray<string>, StorageError>
  /** Metadata of a file, or a directory record when the path is a directory. */
  readonly info: (url: string) => Effect.Effect<ObjectMetadata, StorageError>
  readonly isFile: (url: string) => Effect.Effect<boolean, StorageError>
  /** True when nothing lies under the path (a missing path is empty). */
  readonly isEmpty: (url: string) => Effect.Effect<boolean, StorageError>
  /** A file's content (or a range of it) in one buffer. */
  readonly read: (url: string, options?: ReadOptions) => Effect.Effect<Uint8Array, StorageError>
  /** A file's content as a stream. */
  readonly open: (url: string, options?: ReadOptions) => Stream.Stream<Uint8Array, StorageError>
  readonly write: <E = never>(
    url: string,
    body: Body<E>,
    options?: PutOptions
  ) => Effect.Effect<ObjectMetadata, StorageError | E>
  /** Copies a file, server-side within a profile, streamed across profiles. */
  readonly copy: (source: string, target: string) => Effect.Effect<ObjectMetadata, StorageError>
  /** Deletes a file, or with `recursive` everything under a directory. */
  readonly delete: (
    url: string,
    options?: { readonly recursive?: boolean | undefined }
  ) => Effect.Effect<DeleteResult, StorageError>
  /** Writes a local file's content to a URL. */
  readonly uploadFile: (url: string, localPath: string) => Effect.Effect<ObjectMetadata, StorageError>
  /** Writes a URL's content to a local file, atomically. */
  readonly downloadFile: (url: string, localPath: string) => Effect.Effect<void, StorageError>
  /**
   * Commits the pending metadata changes (writes, copies, deletes) of the
   * URL's profile: MSC's `commit_metadata`, a no-op for a profile without a
   * `metadata_provider` (then it answers false). A path below the profile's
   * root is MSC's `prefix`: the objects stored under it are recorded first.
   */
  readonly commitMetadata: (url: string) => Effect.Effect<boolean, StorageError>
  /** Makes the target directory hold what the source directory holds, across any two profiles (see `StorageSync`). */
  readonly sync: (
    source: string,
    target: string,
    options?: SyncOptions
  ) => Effect.Effect<SyncSummary, StorageError | SyncError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class StorageClient extends Context.Service<StorageClient, StorageClientShape>()("strata/StorageClient") {}
