/**
 * The POSIX storage provider: objects are files under a base directory of the
 * local file system, keys are paths relative to it. Config files name it
 * `file` (MSC's name) or `posix`.
 *
 * - **Containment**: keys are validated (`..`, absolute keys ... fail with
 *   `InvalidPath`), and a symlink that leads out of the base fails with
 *   `InvalidPath` (listings skip it); symlinks that stay inside are followed.
 *   See `posixRoot.ts` for how this is checked and its TOCTOU windows.
 * - **Atomic writes**: a temporary file in the target's directory, renamed
 *   over the target; parent directories are created; a failing or
 *   interrupted body leaves the old object. With `fsync: true` the file's
 *   data is flushed before the rename and the directory after it; the
 *   default is `false`, as in MSC (a crash may then lose recent writes, but
 *   never exposes a partial object).
 * - **Etags** come from `stat` (inode, size, mtime in ns): cheap, and they
 *   change on every overwrite (see `etagOf`).
 * - **Conditional writes**: `ifNoneMatch: "*"` publishes with `link`, which
 *   fails if the target exists, atomically even across processes. `ifMatch`
 *   compares etags and renames under an in-process lock per key; another
 *   process may still write in between.
 * - **No metadata**: Node has no xattr API, so user metadata and content
 *   types are not kept (`userMetadata`, `contentType` false); a put carrying
 *   either fails with `Unsupported`, as the capabilities contract says.
 * - **Deletes** remove the directories they leave empty (up to the base),
 *   unlike MSC, so that empty prefixes do not show up in listings.
 * - **Listings**: see `posixList.ts`.
 *
 * Object operations run as one promise each over the callback `node:fs` API
 * (`posixRead.ts`, `posixWrite.ts`), wrapped in a single `Effect.tryPromise`
 * (`posixShape.ts`): this provider is benchmarked against raw `node:fs`
 * (bench/storage-posix.ts). Copies in bulk (a sync within one profile) go
 * to worker threads instead (`posixCopy.ts`); they start on first use and
 * stop when the provider's scope closes.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema } from "effect"
import type { Scope } from "effect"
import * as fsp from "node:fs/promises"
import * as nodePath from "node:path"
import { closedOptions } from "../../services/ProviderRegistry.ts"
import type { ProviderFactory } from "../../services/ProviderRegistry.ts"
import { ConfigError } from "../../services/StorageConfig.ts"
import { StorageProvider, storageError } from "../../services/StorageProvider.ts"
import type { StorageError, StorageProviderShape } from "../../services/StorageProvider.ts"
import { makeCopyPool } from "./posixCopyPool.ts"
import { codeOf, fsError } from "./posixFs.ts"
import type { PosixRoot } from "./posixRoot.ts"
import { makeShape } from "./posixShape.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface PosixProviderOptions {
  /** The base directory: absolute; created on the first write when missing. */
  readonly basePath: string
  /** Flush each object (and its directory) to disk before a put returns; default false. */
  readonly fsync?: boolean | undefined
}

/** The base directory, checked: absolute, and a directory if it exists. */
const openRoot = async (options: PosixProviderOptions): Promise<PosixRoot> => {
  const { basePath } = options
  const refuse = (problem: string) =>
    storageError("InvalidPath", `The base path '${basePath}' ${problem}.`, { operation: "make" })
  if (basePath.includes("\0")) throw refuse("contains a NUL byte")
  if (!nodePath.isAbsolute(basePath)) throw refuse("is not absolute")
  const base = nodePath.resolve(basePath)
  const stats = await fsp.stat(base).catch((cause) => {
    if (codeOf(cause) === "ENOENT") return undefined
    throw fsError(cause, "make", basePath, base)
  })
  if (stats !== undefined && !stats.isDirectory()) throw refuse("exists and is not a directory")
  const procFd = process.platform === "linux" && (await fsp.access("/proc/self/fd").then(() => true, () => false))
  const fsync = options.fsync === true
  return {
    base,
    fsync,
    procFd,
    realBase: stats === undefined ? undefined : await fsp.realpath(base),
    locks: new Map(),
    // The threads check paths through /proc and have no fsync step.
    copyPool: procFd && !fsync ? makeCopyPool() : undefined,
    copying: 0,
    creating: new Map()
  }
}

/**
 * A provider over the directory `basePath`. Fails with `InvalidPath` when the
 * path is relative or names something other than a directory; a missing
 * directory is created by the first write (reads and listings see nothing
 * until then). Its copy threads (see `posixCopy.ts`) stop when the scope
 * closes, after the copies in flight.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: PosixProviderOptions): Effect.Effect<StorageProviderShape, StorageError, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => openRoot(options),
        catch: (cause) => fsError(cause, "make", options.basePath, options.basePath)
      }),
      (root) => (root.copyPool === undefined ? Effect.void : Effect.promise(() => root.copyPool!.close()))
    ),
    (root) => makeShape(root, "file")
  )

/**
 * A `StorageProvider` over the directory `basePath`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: PosixProviderOptions): Layer.Layer<StorageProvider, StorageError> =>
  Layer.effect(StorageProvider, make(options))

/**
 * Options of the `file` and `posix` provider types, as MSC spells them:
 * `base_path` (absolute; `""` means `/`) and `rust_client` (accepted and
 * ignored: it tunes MSC's Rust client, which has no counterpart here).
 *
 * @since 0.1.0
 * @category models
 */
export const PosixOptions = closedOptions({
  base_path: Schema.String,
  rust_client: Schema.optional(Schema.Unknown)
})
export type PosixOptions = typeof PosixOptions.Type

const factoryOf = (type: string): ProviderFactory<PosixOptions> => ({
  type,
  options: PosixOptions,
  make: (options, context) => {
    // strata extension: a relative base_path is relative to the config file's
    // folder, so a config can travel with its data (MSC rejects it).
    const given = options.base_path === "" ? "/" : options.base_path
    const basePath = nodePath.isAbsolute(given) || context.file === undefined
      ? given
      : nodePath.resolve(nodePath.dirname(context.file), given)
    if (!nodePath.isAbsolute(basePath)) {
      return Effect.fail(
        new ConfigError({
          message: `base_path '${basePath}' of a ${type} provider must be an absolute path ("" means /), or relative to a config file`,
          path: `profiles.${context.profile}.storage_provider.options.base_path`,
          ...(context.file === undefined ? {} : { file: context.file })
        })
      )
    }
    return Effect.map(make({ basePath }), (provider) => (provider.type === type ? provider : { ...provider, type }))
  }
})

/**
 * The `file` provider type (MSC's name for local disk).
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: ProviderFactory<PosixOptions> = factoryOf("file")

/**
 * The same provider under the type name `posix`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const posixFactory: ProviderFactory<PosixOptions> = factoryOf("posix")
