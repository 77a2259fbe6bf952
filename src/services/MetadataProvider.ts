/**
 * The object metadata contract: a store of file records kept beside a storage
 * provider (MSC's `MetadataProvider`), so listings, `info` and globs are
 * answered without listing the backend, and logical ("virtual") paths can
 * name objects stored under other physical keys.
 *
 * Changes are two-phase, as in MSC: `add` and `remove` are pending and
 * invisible to `list`, committed `info` and `realpath` until `commit`.
 * Keys are relative to the profile's base path, as in `StorageProvider`.
 *
 * @since 0.1.0
 */
import { Context } from "effect"
import type { Effect, Schema, Scope, Stream } from "effect"
import type { ConfigError } from "./StorageConfig.ts"
import type { ListOptions, ObjectMetadata, StorageError, StorageProviderShape } from "./StorageProvider.ts"

/**
 * Where a logical path stands (MSC's `ResolvedPathState`): committed
 * (`exists`), removed (`deleted`), or never recorded (`untracked`).
 *
 * @since 0.1.0
 * @category models
 */
export type PathState = "exists" | "deleted" | "untracked"

/**
 * A logical path resolved to the key its bytes are stored under. When the
 * state is not `exists`, `physicalPath` is the logical path itself.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedPath {
  readonly physicalPath: string
  readonly state: PathState
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MetadataInfoOptions {
  /** See pending adds and hide pending removes (MSC's `strict=False`). */
  readonly includePending?: boolean | undefined
}

/**
 * The operations of a metadata provider.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetadataProviderShape {
  /** The provider type, as named in config files (`manifest`). */
  readonly type: string
  /** Whether `add`, `remove` and `commit` are allowed (MSC's `writable`). */
  readonly writable: boolean
  /** Whether a committed path may be written again (MSC's `allow_overwrites`). */
  readonly allowOverwrites: boolean
  /** Committed records in S3 order, with `StorageProvider.list`'s options and semantics. */
  readonly list: (options?: ListOptions) => Stream.Stream<ObjectMetadata, StorageError>
  /** A file's record, or a directory record (key ending in "/") when records lie below; `NotFound` otherwise. */
  readonly info: (key: string, options?: MetadataInfoOptions) => Effect.Effect<ObjectMetadata, StorageError>
  /** The physical key of a committed logical path (symlink records followed). */
  readonly realpath: (key: string) => Effect.Effect<ResolvedPath, StorageError>
  /** Records a written file as pending; `physicalPath` defaults to the record's own key. */
  readonly add: (key: string, record: ObjectMetadata, physicalPath?: string) => Effect.Effect<void, StorageError>
  /** Marks a committed file as pending removal; an untracked one fails with `NotFound`. */
  readonly remove: (key: string) => Effect.Effect<void, StorageError>
  /** Applies the pending changes and persists the whole, new state. */
  readonly commit: Effect.Effect<void, StorageError>
}

/**
 * A metadata provider, for code that works with one directly. The client
 * builds one per profile from the profile's `metadata_provider` section.
 *
 * @since 0.1.0
 * @category services
 */
export class MetadataProvider extends Context.Service<MetadataProvider, MetadataProviderShape>()(
  "strata/MetadataProvider"
) {}

/**
 * What a metadata factory is given: the profile, the profile's own storage
 * stack, and any other profile's stack (MSC's `storage_provider_profile`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MetadataContext {
  readonly profile: string
  /** The config file, to name it in errors. */
  readonly file?: string | undefined
  readonly storage: StorageProviderShape
  readonly storageOf: (profile: string) => Effect.Effect<StorageProviderShape, StorageError>
}

/**
 * How to build one metadata provider type: a Schema for its `options` and a
 * scoped constructor.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetadataProviderFactory<Options = any> {
  readonly type: string
  readonly options: Schema.Codec<Options, unknown>
  readonly make: (
    options: Options,
    context: MetadataContext
  ) => Effect.Effect<MetadataProviderShape, StorageError | ConfigError, Scope.Scope>
}
