/**
 * An in-memory storage provider: the whole `StorageProvider` contract with
 * every capability, for tests and for programs that need a scratch store.
 *
 * Each `make()` call, and so each build of `layer`, starts a fresh empty store;
 * two layers (or two profiles of type `memory`) never share objects. Objects
 * are held whole in memory, so this provider is not meant for data larger than
 * the process can hold.
 *
 * Etags are versions (`"m<hex>"`) drawn from a counter of the store: every put
 * and copy gets a new one, even when the bytes are the same.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema, Stream } from "effect"
import { closedOptions } from "../../services/ProviderRegistry.ts"
import type { ProviderFactory } from "../../services/ProviderRegistry.ts"
import { validateKey, validatePrefix } from "../../services/StorageKey.ts"
import {
  allCapabilities,
  compareKeys,
  lowerBound,
  StorageProvider,
  storageError
} from "../../services/StorageProvider.ts"
import type {
  Body,
  DeleteOptions,
  ListOptions,
  ObjectMetadata,
  PutOptions,
  ReadOptions,
  StorageError,
  StorageProviderShape
} from "../../services/StorageProvider.ts"
import { byteBounds, checkRead, concatBytes, mismatch, readChecks } from "../../services/StorageRead.ts"

interface Entry {
  readonly bytes: Uint8Array
  readonly etag: string
  readonly lastModified: Date
  readonly contentType: string | undefined
  readonly metadata: Readonly<Record<string, string>> | undefined
}

/** Size of the chunks `read` emits. */
const CHUNK = 64 * 1024

const metadataOf = (key: string, entry: Entry): ObjectMetadata => ({
  key,
  contentLength: entry.bytes.byteLength,
  lastModified: entry.lastModified,
  type: "file",
  etag: entry.etag,
  ...(entry.contentType === undefined ? {} : { contentType: entry.contentType }),
  ...(entry.metadata === undefined ? {} : { metadata: { ...entry.metadata } })
})

const directoryOf = (key: string): ObjectMetadata => ({
  key,
  contentLength: 0,
  // Directories are implied by keys and have no time of their own (S3 reports the minimum too).
  lastModified: new Date(0),
  type: "directory"
})

/**
 * A fresh, empty in-memory provider.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): Effect.Effect<StorageProviderShape> => Effect.sync(makeUnsafe)

const makeUnsafe = (): StorageProviderShape => {
  const objects = new Map<string, Entry>()
  // Keys in `compareKeys` order, rebuilt lazily after the key set changes; the
  // array is replaced, never mutated, so running listings keep their snapshot.
  let sorted: ReadonlyArray<string> = []
  let dirty = false
  let version = 0

  const sortedKeys = (): ReadonlyArray<string> => {
    if (dirty) {
      sorted = [...objects.keys()].toSorted(compareKeys)
      dirty = false
    }
    return sorted
  }

  const nextEtag = (): string => `m${(++version).toString(16).padStart(8, "0")}`

  const find = (key: string, operation: string): Effect.Effect<Entry, StorageError> => {
    const entry = objects.get(key)
    return entry === undefined
      ? Effect.fail(storageError("NotFound", `No object at '${key}'.`, { operation, key }))
      : Effect.succeed(entry)
  }

  const store = (key: string, entry: Entry): ObjectMetadata => {
    if (!objects.has(key)) dirty = true
    objects.set(key, entry)
    return metadataOf(key, entry)
  }

  /** Checks a read's preconditions against the current object. */
  const readable = Effect.fnUntraced(function*(key: string, options: ReadOptions | undefined, operation: string) {
    yield* validateKey(key, operation)
    const entry = yield* find(key, operation)
    const [start, end] = yield* readChecks(() => {
      checkRead(key, entry.etag, options, operation)
      return byteBounds(key, entry.bytes.byteLength, options?.range, "read")
    })
    return entry.bytes.subarray(start, end)
  })

  /** Fails unless a write's preconditions hold for what is stored now. */
  const writable = (key: string, ifMatch: string | undefined, ifNoneMatch: "*" | undefined, operation: string) =>
    Effect.suspend((): Effect.Effect<void, StorageError> => {
      const current = objects.get(key)
      if (ifNoneMatch === "*" && current !== undefined) {
        return Effect.fail(storageError("AlreadyExists", `The object '${key}' already exists.`, { operation, key }))
      }
      if (ifMatch !== undefined) {
        if (current === undefined) {
          return Effect.fail(storageError("NotFound", `No object at '${key}' to match etag '${ifMatch}'.`, { operation, key }))
        }
        if (current.etag !== ifMatch) {
          return Effect.fail(mismatch(key, current.etag, ifMatch, operation))
        }
      }
      return Effect.void
    })

  const head = Effect.fnUntraced(function*(key: string) {
    yield* validateKey(key, "head")
    return metadataOf(key, yield* find(key, "head"))
  })

  const read = (key: string, options?: ReadOptions): Stream.Stream<Uint8Array, StorageError> =>
    Stream.unwrap(Effect.map(readable(key, options, "read"), (bytes) =>
      Stream.fromIterable(function*() {
        // Copies, so a consumer that writes into a chunk cannot change the store.
        for (let at = 0; at < bytes.byteLength; at += CHUNK) yield bytes.slice(at, at + CHUNK)
      }(), { chunkSize: 1 })))

  const getBytes = (key: string, options?: ReadOptions): Effect.Effect<Uint8Array, StorageError> =>
    Effect.map(readable(key, options, "getBytes"), (bytes) => bytes.slice())

  const put = <E = never>(key: string, body: Body<E>, options?: PutOptions): Effect.Effect<ObjectMetadata, StorageError | E> =>
    Effect.gen(function*() {
      yield* validateKey(key, "put")
      const check = writable(key, options?.ifMatch, options?.ifNoneMatch, "put")
      // Checked before the body is consumed (no wasted upload) and again at
      // commit, where nothing can run in between.
      yield* check
      let bytes: Uint8Array
      if (body instanceof Uint8Array) {
        bytes = body.slice()
      } else {
        const chunks: Array<Uint8Array> = []
        yield* Stream.runForEach(body, (chunk) => Effect.sync(() => chunks.push(chunk.slice())))
        bytes = concatBytes(chunks)
      }
      yield* check
      return store(key, {
        bytes,
        etag: nextEtag(),
        lastModified: new Date(),
        contentType: options?.contentType,
        metadata: options?.metadata === undefined ? undefined : { ...options.metadata }
      })
    })

  const del = Effect.fnUntraced(function*(key: string, options?: DeleteOptions) {
    yield* validateKey(key, "delete")
    const entry = yield* find(key, "delete")
    if (options?.ifMatch !== undefined && options.ifMatch !== entry.etag) {
      return yield* mismatch(key, entry.etag, options.ifMatch, "delete")
    }
    objects.delete(key)
    dirty = true
  })

  const copy = Effect.fnUntraced(function*(source: string, target: string) {
    yield* validateKey(source, "copy")
    yield* validateKey(target, "copy")
    const entry = yield* find(source, "copy")
    // Stored bytes are never mutated, so the copy may share them.
    return store(target, { ...entry, etag: nextEtag(), lastModified: new Date() })
  })

  const list = (options: ListOptions = {}): Stream.Stream<ObjectMetadata, StorageError> =>
    Stream.unwrap(Effect.map(validatePrefix(options.prefix ?? "", "list"), (prefix) =>
      Stream.fromIterable(listing(sortedKeys(), prefix, options))))

  /** Walks the sorted keys once, skipping whole directories in one-level listings. */
  function* listing(keys: ReadonlyArray<string>, prefix: string, options: ListOptions): Generator<ObjectMetadata> {
    const { endAt, includeDirectories, startAfter } = options
    const base = prefix.slice(0, prefix.lastIndexOf("/") + 1)
    // The first key after `startAfter` is the first one not below `startAfter + "\0"`.
    let i = Math.max(lowerBound(keys, prefix), startAfter === undefined ? 0 : lowerBound(keys, startAfter + "\0"))
    while (i < keys.length) {
      const key = keys[i]!
      if (!key.startsWith(prefix)) return
      if (endAt !== undefined && compareKeys(key, endAt) > 0) return
      const slash = includeDirectories === true ? key.indexOf("/", base.length) : -1
      if (slash >= 0) {
        yield directoryOf(key.slice(0, slash))
        // Every key below "dir/" sorts before "dir0" ("0" follows "/").
        i = lowerBound(keys, key.slice(0, slash) + "0")
        continue
      }
      const entry = objects.get(key)
      if (entry !== undefined) yield metadataOf(key, entry)
      i++
    }
  }

  return {
    type: "memory",
    capabilities: allCapabilities,
    tracesInside: false,
    head,
    read,
    getBytes,
    put,
    delete: del,
    copy,
    list
  }
}

/**
 * A `StorageProvider` backed by a fresh in-memory store per layer build.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<StorageProvider> = Layer.effect(StorageProvider, make())

/**
 * Options of the `memory` provider type. `base_path` is accepted (MSC profiles
 * always carry one) and ignored; any other key is rejected.
 *
 * @since 0.1.0
 * @category models
 */
export const MemoryOptions = closedOptions({ base_path: Schema.optional(Schema.String) })
export type MemoryOptions = typeof MemoryOptions.Type

/**
 * The `memory` provider type for config files: a fresh store per profile build.
 *
 * @since 0.1.0
 * @category constructors
 */
export const factory: ProviderFactory<MemoryOptions> = {
  type: "memory",
  options: MemoryOptions,
  make: () => make()
}
