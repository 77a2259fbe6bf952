/**
 * The POSIX provider's operations as Effects: each object operation is one
 * `Effect.tryPromise` over an async function of `posixRead.ts` or
 * `posixWrite.ts` (errno errors mapped with `fsError`), `read` a stream of
 * 256 KiB chunks over an open descriptor, `list` a stream of the batches of
 * `posixList.ts`. Keys are validated before any I/O.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Stream } from "effect"
import { isSafeKey, validateKey, validatePrefix } from "../../services/StorageKey.ts"
import { storageError } from "../../services/StorageProvider.ts"
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
import { copyObject } from "./posixCopy.ts"
import { closeQuietly, fsError, isTempName, readFully } from "./posixFs.ts"
import { makeLister } from "./posixList.ts"
import { getBytes as getBytesOf, head as headOf, openRead } from "./posixRead.ts"
import type { OpenedRead } from "./posixRead.ts"
import { pathOf } from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"
import {
  checkWrite,
  commitTemp,
  createTemp,
  deleteObject,
  discardTemp,
  makeBodyWriter,
  putBytes
} from "./posixWrite.ts"

/** Size of the chunks `read` emits. */
const CHUNK = 256 * 1024

/**
 * What the POSIX provider supports: everything but user metadata and
 * content types (Node has no xattr API).
 *
 * @since 0.1.0
 * @category models
 */
export const capabilities: Capabilities = {
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

/** `effect` for a safe key; the `InvalidPath` failure otherwise (before any I/O). */
const guarded = <A, E, R>(key: string, operation: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageError, R> =>
  isSafeKey(key) ? effect : Effect.andThen(validateKey(key, operation), effect)

/**
 * The provider over an opened root, named `type`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeShape = (root: PosixRoot, type: string): StorageProviderShape => {
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
      (file) => {
        const writer = makeBodyWriter(file)
        return Stream.runForEach(body, (chunk) => (chunk.byteLength === 0 ? Effect.void : run("put", key, () => writer.write(chunk))))
          .pipe(Effect.andThen(run("put", key, async () => {
            await writer.flush()
            return commitTemp(root, file, options)
          })))
      },
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

  // Copies in bulk run in the copy threads, which want a deeper queue than a sync's concurrency.
  const pool = root.copyPool
  const declared = pool === undefined ? capabilities : { ...capabilities, copyQueue: { running: pool.threads, queued: pool.queued } }
  return { type, capabilities: declared, tracesInside: false, head, read, getBytes, put, delete: del, copy, list }
}
