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
 * (see `posixObjects.ts`), wrapped in a single `Effect.tryPromise`: this
 * provider is benchmarked against raw `node:fs` (bench/storage-posix.ts).
 *
 * @since 0.1.0
 */
import { Cause, Effect, Layer, Schema, Stream } from "effect"
import * as fsp from "node:fs/promises"
import * as nodePath from "node:path"
import type { ProviderFactory } from "../../services/ProviderRegistry.ts"
import { ConfigError } from "../../services/StorageConfig.ts"
import { isSafeKey, validateKey, validatePrefix } from "../../services/StorageKey.ts"
import { StorageProvider, storageError } from "../../services/StorageProvider.ts"
import type {
  Body,
  Capabilities,
  DeleteOptions,
  ListOptions,
  ObjectMetadata,
  PutOptions,
  ReadOptions,
  StorageError,
  StorageProviderShape
} from "../../services/StorageProvider.ts"
import { closeQuietly, codeOf, fsError, isTempName, readFully, writeAll } from "./posixFs.ts"
import { makeLister } from "./posixList.ts"
import {
  checkWrite,
  commitTemp,
  copyObject,
  createTemp,
  deleteObject,
  discardTemp,
  getBytes as getBytesOf,
  head as headOf,
  openRead,
  putBytes
} from "./posixObjects.ts"
import type { OpenedRead } from "./posixObjects.ts"
import { pathOf } from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"

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

/** Size of the chunks `read` emits. */
const CHUNK = 256 * 1024

const capabilities: Capabilities = {
  rangeRead: true,
  conditionalRead: true,
  conditionalWrite: true,
  createOnly: true,
  conditionalDelete: true,
  userMetadata: false,
  contentType: false,
  copy: true,
  write: true
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
  return {
    base,
    fsync: options.fsync === true,
    procFd,
    realBase: stats === undefined ? undefined : await fsp.realpath(base),
    locks: new Map()
  }
}

/**
 * A provider over the directory `basePath`. Fails with `InvalidPath` when the
 * path is relative or names something other than a directory; a missing
 * directory is created by the first write (reads and listings see nothing
 * until then).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: PosixProviderOptions): Effect.Effect<StorageProviderShape, StorageError> =>
  Effect.map(
    Effect.tryPromise({
      try: () => openRoot(options),
      catch: (cause) => fsError(cause, "make", options.basePath, options.basePath)
    }),
    (root) => makeShape(root, "file")
  )

/** `effect` for a safe key; the `InvalidPath` failure otherwise (before any I/O). */
const guarded = <A, E, R>(key: string, operation: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageError, R> =>
  isSafeKey(key) ? effect : Effect.andThen(validateKey(key, operation), effect)

const makeShape = (root: PosixRoot, type: string): StorageProviderShape => {
  /** One operation on one key: a single promise, its errno errors mapped. */
  const run = <A>(operation: string, key: string, f: () => Promise<A>): Effect.Effect<A, StorageError> =>
    Effect.tryPromise({ try: f, catch: (cause) => fsError(cause, operation, key, pathOf(root, key)) })

  /** Puts outside the capabilities, and keys that name our temporary files. */
  const refusedPut = (key: string, options: PutOptions | undefined, operation: string): StorageError | undefined => {
    if (isTempName(key.slice(key.lastIndexOf("/") + 1))) {
      return storageError("InvalidPath", `The key '${key}' has the form of a temporary file of this provider.`, {
        operation,
        key
      })
    }
    if (options === undefined) return undefined
    if (options.metadata !== undefined && Object.keys(options.metadata).length > 0) {
      return storageError(
        "Unsupported",
        `Cannot keep user metadata for '${key}': the ${type} provider stores plain files (no extended attributes).`,
        { operation, key }
      )
    }
    if (options.contentType !== undefined) {
      return storageError(
        "Unsupported",
        `Cannot keep the content type of '${key}': the ${type} provider stores plain files (no extended attributes).`,
        { operation, key }
      )
    }
    return undefined
  }

  const head = (key: string) => guarded(key, "head", run("head", key, () => headOf(root, key)))

  const getBytes = (key: string, options?: ReadOptions) =>
    guarded(key, "getBytes", run("getBytes", key, () => getBytesOf(root, key, options)))

  /** Chunks of an opened file, each a fresh buffer of at most CHUNK bytes. */
  const chunks = (key: string, { end, fd, start }: OpenedRead): Stream.Stream<Uint8Array, StorageError> =>
    Stream.fromPull(Effect.sync(() => {
      let position = start
      const next = async (): Promise<Uint8Array | undefined> => {
        const buffer = new Uint8Array(Math.min(CHUNK, end - position))
        const got = await readFully(fd, buffer, position)
        // A file cut short by someone else ends the stream where it ends.
        position = got === buffer.byteLength ? position + got : end
        return got === 0 ? undefined : got === buffer.byteLength ? buffer : buffer.subarray(0, got)
      }
      return Effect.suspend(() =>
        position >= end
          ? Cause.done()
          : Effect.flatMap(run("read", key, next), (chunk) => (chunk === undefined ? Cause.done() : Effect.succeed([chunk] as const)))
      )
    }))

  const read = (key: string, options?: ReadOptions): Stream.Stream<Uint8Array, StorageError> =>
    Stream.unwrap(guarded(
      key,
      "read",
      Effect.map(
        Effect.acquireRelease(
          run("read", key, () => openRead(root, key, options, "read")),
          (opened) => Effect.sync(() => closeQuietly(opened.fd))
        ),
        (opened) => chunks(key, opened)
      )
    ))

  const putStream = <E>(key: string, body: Stream.Stream<Uint8Array, E>, options: PutOptions | undefined) =>
    Effect.acquireUseRelease(
      run("put", key, async () => {
        if (options?.ifMatch !== undefined || options?.ifNoneMatch !== undefined) await checkWrite(root, key, options)
        return createTemp(root, key, "put")
      }),
      (file) =>
        Stream.runForEach(body, (chunk) => (chunk.byteLength === 0 ? Effect.void : run("put", key, () => writeAll(file.fd, chunk))))
          .pipe(Effect.andThen(run("put", key, () => commitTemp(root, file, options)))),
      (file) => (file.committed ? Effect.void : Effect.promise(() => discardTemp(file)))
    )

  const put = <E = never>(key: string, body: Body<E>, options?: PutOptions): Effect.Effect<ObjectMetadata, StorageError | E> => {
    const refused = isSafeKey(key) ? refusedPut(key, options, "put") : undefined
    if (refused !== undefined) return Effect.fail(refused)
    return guarded(
      key,
      "put",
      body instanceof Uint8Array
        ? Effect.tryPromise({
          try: (signal) => putBytes(root, key, body, options, signal),
          catch: (cause) => fsError(cause, "put", key, pathOf(root, key))
        })
        : putStream(key, body, options)
    )
  }

  const del = (key: string, options?: DeleteOptions) =>
    guarded(key, "delete", run("delete", key, () => deleteObject(root, key, options?.ifMatch)))

  const copy = (source: string, target: string) => {
    const refused = isSafeKey(target) ? refusedPut(target, undefined, "copy") : undefined
    if (refused !== undefined) return Effect.fail(refused)
    return guarded(source, "copy", guarded(target, "copy", run("copy", target, () => copyObject(root, source, target))))
  }

  const list = (options: ListOptions = {}): Stream.Stream<ObjectMetadata, StorageError> =>
    Stream.unwrap(Effect.map(validatePrefix(options.prefix ?? "", "list"), (prefix) =>
      Stream.fromPull(Effect.sync(() => {
        const next = makeLister(root, options)
        return Effect.flatMap(
          run("list", prefix, next),
          (batch) => (batch === undefined ? Cause.done() : Effect.succeed(batch as readonly [ObjectMetadata, ...Array<ObjectMetadata>]))
        )
      }))))

  return { type, capabilities, head, read, getBytes, put, delete: del, copy, list }
}

/**
 * A `StorageProvider` over the directory `basePath`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: PosixProviderOptions): Layer.Layer<StorageProvider, StorageError> =>
  Layer.effect(StorageProvider, make(options))

/**
 * A struct of options that rejects keys it does not declare, naming them,
 * whatever parse options the caller decodes with (Schema strips excess keys
 * by default, and `profiles.ts` decodes with the defaults).
 */
const closedStruct = <const Fields extends Schema.Struct.Fields>(fields: Fields) => {
  const known = Object.keys(fields)
  return Schema.Record(Schema.String, Schema.Unknown).check(Schema.makeFilter((input) =>
    Object.keys(input).filter((key) => !known.includes(key)).map((key) => ({
      path: [key],
      issue: `Unknown option '${key}' (expected ${known.map((k) => `'${k}'`).join(", ")}).`
    }))
  )).pipe(Schema.decodeTo(Schema.Struct(fields)))
}

/**
 * Options of the `file` and `posix` provider types, as MSC spells them:
 * `base_path` (absolute; `""` means `/`) and `rust_client` (accepted and
 * ignored: it tunes MSC's Rust client, which has no counterpart here).
 *
 * @since 0.1.0
 * @category models
 */
export const PosixOptions = closedStruct({
  base_path: Schema.String,
  rust_client: Schema.optional(Schema.Unknown)
})
export type PosixOptions = typeof PosixOptions.Type

const factoryOf = (type: string): ProviderFactory<PosixOptions> => ({
  type,
  options: PosixOptions,
  make: (options, context) => {
    const basePath = options.base_path === "" ? "/" : options.base_path
    if (!nodePath.isAbsolute(basePath)) {
      return Effect.fail(
        new ConfigError({
          message: `base_path '${basePath}' of a ${type} provider must be an absolute path ("" means /)`,
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
