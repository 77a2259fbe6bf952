/**
 * Local files as streams, for `uploadFile` and `downloadFile`: a file read
 * chunk by chunk, and a stream written to a temporary file next to the target
 * and renamed over it, so the target is never seen half written.
 *
 * @since 0.1.0
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Effect, Exit, Stream } from "effect"
import { randomBytes } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { StorageError } from "../../services/StorageProvider.ts"
import { localFileError } from "./errors.ts"

/**
 * A local file's content as a stream. The file is checked first, so a missing
 * file (`NotFound`) or a directory (`InvalidPath`) fails before any upload
 * starts.
 *
 * @since 0.1.0
 * @category local files
 */
export const readLocalFile = (
  localPath: string,
  operation: string
): Effect.Effect<Stream.Stream<Uint8Array, StorageError>, StorageError> =>
  Effect.tryPromise({
    try: () => fs.stat(localPath),
    catch: (cause) => localFileError(operation, localPath, cause)
  }).pipe(
    Effect.flatMap((stats) =>
      stats.isFile()
        ? Effect.succeed(NodeStream.fromReadable<Uint8Array, StorageError>({
          evaluate: () => createReadStream(localPath),
          onError: (cause) => localFileError(operation, localPath, cause)
        }))
        : Effect.fail(
          new StorageError({
            reason: "InvalidPath",
            operation,
            message: `The local path ${localPath} is ${stats.isDirectory() ? "a directory" : "not a regular file"}.`
          })
        )
    )
  )

const writeAll = async (handle: fs.FileHandle, chunk: Uint8Array): Promise<void> => {
  let written = 0
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written)
    written += bytesWritten
  }
}

/**
 * Writes a stream to a local file atomically: parent directories are
 * created, the bytes go to a hidden temporary file in the target's directory
 * (same file system, so the rename is atomic), and the temporary file is
 * removed if anything fails or the write is interrupted.
 *
 * @since 0.1.0
 * @category local files
 */
export const writeLocalFileAtomically = <E>(
  localPath: string,
  content: Stream.Stream<Uint8Array, E>,
  operation: string
): Effect.Effect<void, StorageError | E> => {
  const directory = path.dirname(localPath)
  const temporary = path.join(directory, `.${path.basename(localPath)}.${randomBytes(6).toString("hex")}.tmp`)
  const fail = (cause: unknown) => localFileError(operation, localPath, cause)
  const write = Effect.acquireUseRelease(
    Effect.tryPromise({ try: () => fs.open(temporary, "wx"), catch: fail }),
    (handle) =>
      Stream.runForEach(content, (chunk) => Effect.tryPromise({ try: () => writeAll(handle, chunk), catch: fail })).pipe(
        // The rename must not publish bytes that are still only in the page cache.
        Effect.andThen(Effect.tryPromise({ try: () => handle.datasync(), catch: fail }))
      ),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined))
  )
  return Effect.tryPromise({ try: () => fs.mkdir(directory, { recursive: true }), catch: fail }).pipe(
    Effect.andThen(write),
    Effect.andThen(Effect.tryPromise({ try: () => fs.rename(temporary, localPath), catch: fail })),
    Effect.onExit((exit) =>
      Exit.isFailure(exit) ? Effect.promise(() => fs.rm(temporary, { force: true }).catch(() => undefined)) : Effect.void
    )
  )
}
