/**
 * The path-shaped operations of `StorageClient` over one resolved target:
 * listing (a path is a file or a directory, never a partial prefix), glob,
 * info, emptiness, and the "is it a directory?" question asked when a file
 * operation finds nothing.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import { compareKeys, inListBounds, StorageError } from "../../services/StorageProvider.ts"
import type { ListOptions, ObjectMetadata, StorageProviderShape } from "../../services/StorageProvider.ts"
import type { ClientListOptions } from "../../services/StorageClient.ts"
import { isDirectory, notFound, withContext } from "./errors.ts"
import { addImpliedDirectories, compileGlob, hasGlobChars, matchGlob, splitGlob } from "./glob.ts"

/**
 * A URL resolved to its profile, key and provider.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly url: string
  readonly profile: string
  readonly key: string
  readonly provider: StorageProviderShape
}

/** The key without trailing slashes: "a/" and "a" name the same directory. */
export const stripSlashes = (key: string): string => key.replace(/\/+$/, "")

/** The listing prefix of everything under a directory key ("" is the root). */
const childPrefix = (directory: string): string => (directory === "" ? "" : directory + "/")

/** The synthetic record of a directory; directories have no size or time of their own. */
const directoryRecord = (key: string): ObjectMetadata => ({
  key,
  contentLength: 0,
  lastModified: new Date(0),
  type: "directory"
})

/**
 * The file's metadata, or none when there is no file at the key (a key
 * ending in "/" or the root never names a file).
 *
 * @since 0.1.0
 * @category listing
 */
export const headFile = (target: Target): Effect.Effect<Option.Option<ObjectMetadata>, StorageError> =>
  target.key === "" || target.key.endsWith("/")
    ? Effect.succeed(Option.none())
    : target.provider.head(target.key).pipe(
      Effect.map(Option.some),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(Option.none())),
      Effect.mapError((error) => withContext(error, target.profile, target.url))
    )

/**
 * Whether anything lies under the target as a directory.
 *
 * @since 0.1.0
 * @category listing
 */
export const hasChildren = (target: Target): Effect.Effect<boolean, StorageError> =>
  target.provider.list({ prefix: childPrefix(stripSlashes(target.key)) }).pipe(
    Stream.take(1),
    Stream.runCount,
    Effect.map((count) => count > 0),
    Effect.mapError((error) => withContext(error, target.profile, target.url))
  )

/**
 * Turns a provider's `NotFound` for a file operation into the client's
 * sentence: "is a directory" when the path is one, "no file or directory"
 * otherwise. Other errors get the profile and URL.
 *
 * @since 0.1.0
 * @category errors
 */
export const explainMissing = (target: Target, operation: string) => (error: StorageError): Effect.Effect<never, StorageError> =>
  error.reason !== "NotFound"
    ? Effect.fail(withContext(error, target.profile, target.url))
    : Effect.flatMap(hasChildren(target), (directory) =>
      Effect.fail(
        directory
          ? isDirectory(operation, target.profile, target.key, target.url)
          : notFound(operation, target.profile, target.key, target.url)
      ))

/**
 * The key of the file a target names, or the error a file operation on it
 * deserves (the root and keys ending in "/" are directories).
 *
 * @since 0.1.0
 * @category listing
 */
export const fileKey = (target: Target, operation: string): Effect.Effect<string, StorageError> =>
  target.key === "" || target.key.endsWith("/")
    ? explainMissing(target, operation)(
      new StorageError({ reason: "NotFound", message: `${target.url} names a directory path.` })
    )
    : Effect.succeed(target.key)

/**
 * Entries under a directory, or the one file a file path names.
 *
 * @since 0.1.0
 * @category listing
 */
export const listTarget = (target: Target, options: ClientListOptions): Stream.Stream<ObjectMetadata, StorageError> =>
  Stream.unwrap(Effect.gen(function*() {
    const { endAt, startAfter } = options
    if (startAfter !== undefined && endAt !== undefined && compareKeys(startAfter, endAt) >= 0) {
      return yield* new StorageError({
        reason: "InvalidRange",
        operation: "list",
        profile: target.profile,
        key: target.key,
        message: `The listing bounds of ${target.url} are empty: startAfter '${startAfter}' is not before endAt '${endAt}'.`
      })
    }
    const bounds: ListOptions = {
      ...(startAfter === undefined ? {} : { startAfter }),
      ...(endAt === undefined ? {} : { endAt })
    }
    const file = yield* headFile(target)
    if (Option.isSome(file)) {
      return inListBounds(file.value.key, bounds) ? Stream.succeed(file.value) : Stream.empty
    }
    return target.provider.list({
      ...bounds,
      prefix: childPrefix(stripSlashes(target.key)),
      includeDirectories: options.recursive === false
    }).pipe(Stream.mapError((error) => withContext(error, target.profile, target.url)))
  }))

/**
 * A file's metadata, a directory record (key with a trailing "/"), or
 * `NotFound` naming the URL. The root is always a directory.
 *
 * @since 0.1.0
 * @category listing
 */
export const infoTarget = (target: Target): Effect.Effect<ObjectMetadata, StorageError> =>
  Effect.gen(function*() {
    if (target.key === "") return directoryRecord("")
    const file = yield* headFile(target)
    if (Option.isSome(file)) return file.value
    if (yield* hasChildren(target)) return directoryRecord(childPrefix(stripSlashes(target.key)))
    return yield* notFound("info", target.profile, target.key, target.url)
  })

/**
 * True when nothing lies under the path; a missing path is empty, a file is
 * not.
 *
 * @since 0.1.0
 * @category listing
 */
export const isEmptyTarget = (target: Target): Effect.Effect<boolean, StorageError> =>
  Effect.gen(function*() {
    if (Option.isSome(yield* headFile(target))) return false
    return !(yield* hasChildren(target))
  })

/**
 * A glob match: the key relative to the listed prefix, and whether it is an
 * implied directory.
 *
 * @since 0.1.0
 * @category models
 */
export interface GlobMatch {
  readonly key: string
  readonly directory: boolean
}

/**
 * The keys (files and implied directories) matching the glob in the target's
 * key, sorted in S3 order. Lists recursively below the literal prefix; a
 * pattern without glob syntax is answered with one `info`.
 *
 * @since 0.1.0
 * @category listing
 */
export const globTarget = (target: Target): Effect.Effect<ReadonlyArray<GlobMatch>, StorageError> =>
  Effect.gen(function*() {
    const { prefix, rest } = splitGlob(target.key)
    if (rest === "") return []
    const glob = compileGlob(rest)
    if (!hasGlobChars(rest)) {
      const found = yield* infoTarget(target).pipe(
        Effect.map(Option.some),
        Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(Option.none()))
      )
      if (Option.isNone(found) || (glob.directoriesOnly && found.value.type !== "directory")) return []
      return [{ key: stripSlashes(target.key), directory: found.value.type === "directory" }]
    }
    const files: Array<string> = []
    const directories = new Set<string>()
    yield* target.provider.list({ prefix }).pipe(
      Stream.runForEach((entry) =>
        Effect.sync(() => {
          const relative = entry.key.slice(prefix.length)
          addImpliedDirectories(directories, relative)
          if (matchGlob(glob, relative)) files.push(relative)
        })
      ),
      Effect.mapError((error) => withContext(error, target.profile, target.url))
    )
    const matches: Array<GlobMatch> = files.map((key) => ({ key: prefix + key, directory: false }))
    for (const directory of directories) {
      if (matchGlob(glob, directory, true)) matches.push({ key: prefix + directory, directory: true })
    }
    return matches.toSorted((a, b) => compareKeys(a.key, b.key))
  })
