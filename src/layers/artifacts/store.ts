/**
 * The few storage moves the artifacts layer makes, over `StorageClient`
 * URLs: joining paths under the root (refusing escapes), reading a file
 * that may be missing, create-only and plain writes, and the local path of
 * a URL on the `__filesystem__` profile (where appends and directory mtimes
 * are available).
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { ArtifactError } from "../../services/Artifacts.ts"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import { FILESYSTEM_PROFILE } from "../../services/StorageConfig.ts"
import type { StorageError } from "../../services/StorageProvider.ts"

/**
 * An `ArtifactError` for a storage failure, keeping its sentence.
 *
 * @since 0.1.0
 * @category errors
 */
export const fromStorage = (error: StorageError): ArtifactError =>
  new ArtifactError({
    reason: error.reason === "NotFound" ? "NotFound" : error.reason === "InvalidPath" ? "InvalidPath" : "Storage",
    message: error.message,
    cause: error
  })

/**
 * A relative path checked: `/`-separated, no empty, `.` or `..` segment, not absolute.
 *
 * @since 0.1.0
 * @category paths
 */
export const checkRelative = (path: string): Effect.Effect<string, ArtifactError> => {
  const trimmed = path.replace(/^\/+|\/+$/g, "")
  const segments = trimmed.split("/")
  return trimmed !== "" && segments.some((segment) => segment === "" || segment === "." || segment === ".." || segment.includes("\\"))
    ? Effect.fail(new ArtifactError({ reason: "InvalidPath", message: `The path ${JSON.stringify(path)} leaves the artifact root or is malformed.`, path }))
    : Effect.succeed(trimmed)
}

/**
 * `base/relative`, for URLs and relative paths alike.
 *
 * @since 0.1.0
 * @category paths
 */
export const joinPath = (base: string, relative: string): string =>
  relative === "" ? base : base === "" ? relative : `${base.replace(/\/+$/, "")}/${relative}`

/**
 * A file's bytes, or `undefined` when there is none.
 *
 * @since 0.1.0
 * @category reading
 */
export const readOptional = (client: StorageClientShape, url: string): Effect.Effect<Uint8Array | undefined, ArtifactError> =>
  client.read(url).pipe(
    Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(undefined)),
    Effect.mapError(fromStorage)
  )

/**
 * Writes only when nothing is there yet; false when something was.
 *
 * @since 0.1.0
 * @category writing
 */
export const createOnly = (client: StorageClientShape, url: string, content: Uint8Array): Effect.Effect<boolean, ArtifactError> =>
  client.write(url, content, { ifNoneMatch: "*" }).pipe(
    Effect.as(true),
    Effect.catchIf((error) => error.reason === "AlreadyExists" || error.reason === "PreconditionFailed", () => Effect.succeed(false)),
    Effect.mapError(fromStorage)
  )

/**
 * Writes a file atomically (the provider's put).
 *
 * @since 0.1.0
 * @category writing
 */
export const writeFile = (client: StorageClientShape, url: string, content: Uint8Array): Effect.Effect<void, ArtifactError> =>
  client.write(url, content).pipe(Effect.asVoid, Effect.mapError(fromStorage))

/**
 * The local path a URL names when it is on local disk.
 *
 * @since 0.1.0
 * @category paths
 */
export const localPathOf = (client: StorageClientShape, url: string): Effect.Effect<string | undefined, ArtifactError> =>
  client.resolve(url).pipe(
    Effect.map((resolved) => (resolved.profile === FILESYSTEM_PROFILE ? `/${resolved.key}` : undefined)),
    Effect.mapError(fromStorage)
  )

/**
 * Waits `attempt`-scaled: 5 ms doubling to 200 ms (how waiters poll builds and locks).
 *
 * @since 0.1.0
 * @category waiting
 */
export const backoff = (attempt: number) => Effect.sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 6)))

/**
 * One entry directly inside a directory.
 *
 * @since 0.1.0
 * @category listing
 */
export interface DirectoryEntry {
  readonly name: string
  readonly type: "file" | "directory"
  readonly lastModified: Date
}

/**
 * The entries directly inside a directory URL (none when it does not exist),
 * named relative to it whatever form the URL has (relative path, `file://` ...).
 *
 * @since 0.1.0
 * @category listing
 */
export const listEntries = (client: StorageClientShape, url: string): Effect.Effect<ReadonlyArray<DirectoryEntry>, ArtifactError> =>
  Effect.gen(function*() {
    const { key } = yield* Effect.mapError(client.resolve(url), fromStorage)
    const base = key.replace(/\/+$/, "")
    const skip = base === "" ? 0 : base.length + 1
    const entries = yield* Stream.runCollect(client.list(url, { recursive: false })).pipe(
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed([])),
      Effect.mapError(fromStorage)
    )
    return entries.map((entry) => ({ name: entry.key.slice(skip).replace(/\/+$/, ""), type: entry.type, lastModified: entry.lastModified }))
  })
