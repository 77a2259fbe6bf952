/**
 * A storage provider seen through a metadata provider, as MSC's client does
 * when a profile has a `metadata_provider`: `list` and `head` are answered
 * by the metadata provider alone (the backend is never listed), reads go to
 * the physical key `realpath` gives, and writes, copies and deletes change
 * the backend at once but the metadata only as pending changes, visible
 * after `commit`.
 *
 * Choices where MSC leaves room:
 * - a logical path the metadata does not track is `NotFound`, even when the
 *   backend has an object there;
 * - a write to a tracked path fails with `AlreadyExists` before any byte is
 *   written unless `allow_overwrites` is set; on a read-only metadata
 *   provider writes and deletes fail with `Unsupported` before touching the
 *   backend;
 * - user metadata (attributes) and content types are kept in the metadata
 *   provider (the content type also in the backend when it can keep one), so
 *   they work over backends that cannot store them (`userMetadata` and
 *   `contentType` are true);
 * - reads are not pinned to the recorded etag (`conditionalRead` is false):
 *   an etag in a manifest describes the object when it was recorded.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import type { MetadataProviderShape } from "../services/MetadataProvider.ts"
import { storageError } from "../services/StorageProvider.ts"
import type { Body, ObjectMetadata, PutOptions, StorageError, StorageProviderShape } from "../services/StorageProvider.ts"

/**
 * `storage` with listings, metadata and path resolution from `metadata`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const withMetadata = (storage: StorageProviderShape, metadata: MetadataProviderShape): StorageProviderShape => {
  const physical = (key: string, operation: string): Effect.Effect<string, StorageError> =>
    Effect.flatMap(metadata.realpath(key), (resolved) =>
      resolved.state === "exists"
        ? Effect.succeed(resolved.physicalPath)
        : Effect.fail(storageError("NotFound", `No file ${key} in the ${metadata.type} metadata.`, { operation, key })))

  /** Fails before the backend is touched when the metadata would refuse the change. */
  const checkWritable = (key: string, operation: string, overwrite: boolean): Effect.Effect<void, StorageError> =>
    Effect.gen(function*() {
      if (!metadata.writable) {
        return yield* storageError(
          "Unsupported",
          `Cannot ${operation} ${key}: the ${metadata.type} metadata of this profile is read-only (set writable: true in its metadata_provider options).`,
          { operation, key }
        )
      }
      if (!overwrite || metadata.allowOverwrites) return
      const resolved = yield* metadata.realpath(key)
      if (resolved.state === "exists") {
        return yield* storageError(
          "AlreadyExists",
          `${key} exists already and the ${metadata.type} metadata of this profile does not allow overwrites (allow_overwrites: false).`,
          { operation, key }
        )
      }
    })

  /** Records what was written at `key`; attributes live in the metadata only. */
  const record = (key: string, written: ObjectMetadata, options: PutOptions | undefined) =>
    Effect.as(
      metadata.add(key, {
        ...written,
        ...(options?.contentType === undefined ? {} : { contentType: options.contentType }),
        ...(options?.metadata === undefined ? {} : { metadata: { ...options.metadata } })
      }, written.key),
      {
        ...written,
        key,
        ...(options?.metadata === undefined ? {} : { metadata: { ...options.metadata } })
      }
    )

  const put = <E = never>(key: string, body: Body<E>, options?: PutOptions): Effect.Effect<ObjectMetadata, StorageError | E> =>
    Effect.gen(function*() {
      yield* checkWritable(key, "write", true)
      // Attributes, and a content type the backend cannot keep, go to the metadata only.
      const { contentType, metadata: _attributes, ...rest } = options ?? {}
      const written = yield* storage.put(key, body, {
        ...rest,
        ...(storage.capabilities.contentType && contentType !== undefined ? { contentType } : {})
      })
      return yield* record(key, written, options)
    })

  return {
    type: storage.type,
    capabilities: { ...storage.capabilities, conditionalRead: false, userMetadata: true, contentType: true },
    head: (key) =>
      Effect.flatMap(metadata.info(key), (meta) =>
        meta.type === "file"
          ? Effect.succeed(meta)
          : Effect.fail(storageError("NotFound", `${key} is a directory, not a file.`, { operation: "head", key }))),
    read: (key, options) => Stream.unwrap(Effect.map(physical(key, "read"), (path) => storage.read(path, options))),
    getBytes: (key, options) => Effect.flatMap(physical(key, "read"), (path) => storage.getBytes(path, options)),
    put,
    delete: (key, options) =>
      Effect.gen(function*() {
        yield* checkWritable(key, "delete", false)
        yield* storage.delete(yield* physical(key, "delete"), options)
        yield* metadata.remove(key)
      }),
    copy: (source, target) =>
      Effect.gen(function*() {
        yield* checkWritable(target, "copy", true)
        const attributes = (yield* metadata.info(source)).metadata
        const written = yield* storage.copy(yield* physical(source, "copy"), target)
        return yield* record(target, written, attributes === undefined ? undefined : { metadata: attributes })
      }),
    list: (options) => metadata.list(options)
  }
}
