/**
 * The writing operations of `StorageClient` over resolved targets: where a
 * write may go, copy (server-side within a provider, streamed across), and
 * delete (a file, or with `recursive` a whole directory).
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { FILESYSTEM_PROFILE } from "../../services/StorageConfig.ts"
import { StorageError } from "../../services/StorageProvider.ts"
import type { ObjectMetadata, PutOptions } from "../../services/StorageProvider.ts"
import type { DeleteResult } from "../../services/StorageClient.ts"
import { isDirectory, notFound, withContext } from "./errors.ts"
import { explainMissing, fileKey, hasChildren, stripSlashes } from "./listing.ts"
import type { Target } from "./listing.ts"

/** Files deleted at once by a recursive delete. */
const DELETE_CONCURRENCY = 16

/**
 * The key a write goes to; the root and keys ending in "/" name directories.
 *
 * @since 0.1.0
 * @category transfer
 */
export const writeKey = (target: Target, operation: string): Effect.Effect<string, StorageError> =>
  target.key === "" || target.key.endsWith("/")
    ? Effect.fail(
      new StorageError({
        reason: "InvalidPath",
        operation,
        profile: target.profile,
        key: target.key,
        message: `${target.url} names a directory, not a file to write.`
      })
    )
    : Effect.succeed(target.key)

/**
 * A file's content, pinned to the version `meta` describes when the provider
 * can check etags (so metadata and bytes of a copy belong together).
 *
 * @since 0.1.0
 * @category transfer
 */
export const readVersion = (target: Target, key: string, meta: ObjectMetadata): Stream.Stream<Uint8Array, StorageError> =>
  target.provider.read(
    key,
    meta.etag !== undefined && target.provider.capabilities.conditionalRead ? { ifMatch: meta.etag } : {}
  ).pipe(Stream.mapError((error) => withContext(error, target.profile, target.url)))

/**
 * Copies a file: the provider's own copy within one profile, otherwise the
 * source streamed into a put on the target (nothing buffered here), with
 * content type and user metadata carried where the target keeps them.
 *
 * @since 0.1.0
 * @category transfer
 */
export const copyTarget = (from: Target, to: Target): Effect.Effect<ObjectMetadata, StorageError> =>
  Effect.gen(function*() {
    const fromKey = yield* fileKey(from, "copy")
    const toKey = yield* writeKey(to, "copy")
    if (from.profile === to.profile && from.provider.capabilities.copy) {
      return yield* from.provider.copy(fromKey, toKey).pipe(
        Effect.catch((error) =>
          error.reason === "NotFound"
            ? explainMissing(from, "copy")(error)
            : Effect.fail(withContext(error, to.profile, to.url))
        )
      )
    }
    const meta = yield* from.provider.head(fromKey).pipe(Effect.catch(explainMissing(from, "copy")))
    return yield* streamFile(from, fromKey, meta, to, toKey)
  })

/**
 * Streams the version `meta` describes of a file into a put on another
 * provider (nothing buffered here), with content type and user metadata
 * carried where the target keeps them. Errors name the target URL.
 *
 * @since 0.1.0
 * @category transfer
 */
export const streamFile = (
  from: Target,
  fromKey: string,
  meta: ObjectMetadata,
  to: Target,
  toKey: string
): Effect.Effect<ObjectMetadata, StorageError> => {
  const options: PutOptions = {
    ...(meta.contentType !== undefined && to.provider.capabilities.contentType ? { contentType: meta.contentType } : {}),
    ...(meta.metadata !== undefined && to.provider.capabilities.userMetadata ? { metadata: meta.metadata } : {})
  }
  return to.provider.put(toKey, readVersion(from, fromKey, meta), options).pipe(
    Effect.mapError((error) => withContext(error, to.profile, to.url))
  )
}

/**
 * Deletes the file a target names; a directory only with `recursive` (then
 * every file under it, `DELETE_CONCURRENCY` at a time), failing with reason
 * `InvalidPath` otherwise; `NotFound` when there is neither.
 *
 * @since 0.1.0
 * @category transfer
 */
export const deleteTarget = (target: Target, recursive: boolean): Effect.Effect<DeleteResult, StorageError> =>
  Effect.gen(function*() {
    const { key, profile, provider, url } = target
    if (key !== "" && !key.endsWith("/")) {
      const deleted = yield* provider.delete(key).pipe(
        Effect.as(true),
        Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(false)),
        Effect.mapError((error) => withContext(error, profile, url))
      )
      if (deleted) return { deleted: 1 }
    }
    if (!(yield* hasChildren(target))) return yield* notFound("delete", profile, key, url)
    if (!recursive) {
      return yield* isDirectory("delete", profile, key, url, "pass recursive (rm -r) to delete everything under it")
    }
    const directory = stripSlashes(key)
    if (directory === "" && profile === FILESYSTEM_PROFILE) {
      // As rm's --preserve-root: never empty the whole local file system.
      return yield* new StorageError({
        reason: "InvalidPath",
        operation: "delete",
        profile,
        key,
        message: `Refusing to delete everything under ${url}: it is the root of the local file system.`
      })
    }
    const deleted = yield* provider.list({ prefix: directory === "" ? "" : directory + "/" }).pipe(
      Stream.mapEffect(
        (entry) =>
          provider.delete(entry.key).pipe(
            Effect.as(1),
            // Gone already (deleted by someone else meanwhile): not ours to count.
            Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(0))
          ),
        { concurrency: DELETE_CONCURRENCY }
      ),
      Stream.runFold(() => 0, (total, n) => total + n),
      Effect.mapError((error) => withContext(error, profile, url))
    )
    return { deleted }
  })
