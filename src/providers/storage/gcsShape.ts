/**
 * The `StorageProvider` operations over one GCS bucket (and key prefix): see
 * `gcs.ts` for what the provider promises.
 *
 * @since 0.1.0
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import type { Bucket, File, FileMetadata } from "@google-cloud/storage"
import { Effect, Option, Stream } from "effect"
import { once } from "node:events"
import { finished } from "node:stream/promises"
import { validateKey, validatePrefix } from "../../services/StorageKey.ts"
import { allCapabilities, compareKeys, StorageError, storageError } from "../../services/StorageProvider.ts"
import type {
  Body,
  DeleteOptions,
  ListOptions,
  ObjectMetadata,
  PutOptions,
  ReadOptions,
  StorageProviderShape
} from "../../services/StorageProvider.ts"
import { checkRange, concatBytes } from "../../services/StorageRead.ts"
import { gcsError } from "./gcsErrors.ts"
import type { GcsErrorContext } from "./gcsErrors.ts"
import { emptyUnlessPastTheEnd, notFoundIfAbsent, stallLimit, withinSeconds } from "./objectStore.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface GcsShapeSettings {
  readonly bucket: Bucket
  /** Key prefix inside the bucket: `""`, or ending with "/". */
  readonly prefix: string
  readonly context: GcsErrorContext
  readonly timeoutSeconds: number
  /** Streamed bodies go through a resumable upload (else one multipart request). */
  readonly resumable: boolean
  /** Bodies in memory up to this size go in one multipart request. */
  readonly threshold: number
}

/** Our etags are GCS generations; anything else can never match. */
const generationOf = (etag: string): string | undefined => (/^\d+$/.test(etag) ? etag : undefined)

const metadataOf = (key: string, meta: FileMetadata): ObjectMetadata => {
  const user = Object.entries(meta.metadata ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string")
  return {
    key,
    contentLength: Number(meta.size ?? 0),
    lastModified: new Date(meta.updated ?? 0),
    type: "file",
    ...(meta.generation === undefined ? {} : { etag: String(meta.generation) }),
    ...(meta.contentType === undefined ? {} : { contentType: meta.contentType }),
    ...(meta.metadata === undefined ? {} : { metadata: Object.fromEntries(user) })
  }
}

/** Where an entry sorts: a directory as "name/". */
const sortKey = (entry: ObjectMetadata): string => (entry.type === "directory" ? `${entry.key}/` : entry.key)

/**
 * The provider's operations.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeGcsShape = (settings: GcsShapeSettings): StorageProviderShape => {
  const { bucket, context, prefix } = settings
  const file = (key: string, generation?: string): File =>
    bucket.file(prefix + key, generation === undefined ? {} : { generation: Number(generation) })
  const what = `The GCS endpoint ${context.endpoint} of profile '${context.profile}'`
  const limit = withinSeconds(settings.timeoutSeconds, what)
  // A media read starts its request when first pulled: the limit is on each chunk's arrival.
  const stalled = stallLimit(settings.timeoutSeconds, what)
  const call = (operation: string, key: string | undefined) =>
  <A>(run: () => Promise<A>): Effect.Effect<A, StorageError> =>
    Effect.tryPromise({ try: run, catch: (cause) => gcsError(cause, context, operation, key) }).pipe(
      limit({ operation, ...(key === undefined ? {} : { key }) })
    )

  /** Metadata, checking read preconditions with GCS's generation conditions. */
  const headWith = (key: string, operation: string, options: ReadOptions = {}): Effect.Effect<ObjectMetadata, StorageError> => {
    const match = options.ifMatch === undefined ? undefined : generationOf(options.ifMatch)
    const notMatch = options.ifNoneMatch === undefined ? undefined : generationOf(options.ifNoneMatch)
    const query = { ...(match === undefined ? {} : { ifGenerationMatch: match }), ...(notMatch === undefined ? {} : { ifGenerationNotMatch: notMatch }) }
    return Effect.flatMap(call(operation, key)(() => file(key).getMetadata(query)), ([meta]) =>
      options.ifMatch !== undefined && match === undefined
        ? Effect.fail(storageError("PreconditionFailed", `The object '${key}' does not have the etag '${options.ifMatch}'.`, { operation, key }))
        : Effect.succeed(metadataOf(key, meta)))
  }

  const head = Effect.fn("GcsStorage.head")(function*(key: string) {
    yield* validateKey(key, "head")
    return yield* headWith(key, "head")
  })

  const read = (key: string, options: ReadOptions = {}, operation = "read"): Stream.Stream<Uint8Array, StorageError> =>
    Stream.unwrap(Effect.gen(function*() {
      yield* validateKey(key, operation)
      yield* checkRange(key, operation, options.range)
      const offset = options.range?.offset ?? 0
      const length = options.range?.length
      const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined
      const atEnd = emptyUnlessPastTheEnd(headWith(key, operation, options), key, operation, offset)
      // A length of 0 has no Range header; GCS answers 416 for a range at the end.
      if (length === 0) return yield* atEnd
      // Preconditions are checked on the metadata, and the read is pinned to
      // the generation that passed them.
      const generation = conditional ? (yield* headWith(key, operation, options)).etag : undefined
      const ranged = offset > 0 || length !== undefined
      const body = NodeStream.fromReadable<Uint8Array, StorageError>({
        evaluate: () =>
          file(key, generation).createReadStream({
            ...(ranged ? { start: offset } : {}),
            ...(length === undefined ? {} : { end: offset + length - 1 })
          }),
        onError: (cause) => gcsError(cause, context, operation, key)
      })
      return Stream.catchIf(stalled({ operation, key })(body), (error) => error.reason === "InvalidRange", () => Stream.unwrap(atEnd))
    }))

  const getBytes = Effect.fn("GcsStorage.getBytes")(function*(key: string, options?: ReadOptions) {
    return concatBytes(yield* Stream.runCollect(read(key, options, "getBytes")))
  })

  /** Writes a stream into an SDK upload stream, honouring backpressure. */
  const writeStream = <E>(key: string, target: NodeJS.WritableStream & { destroy: (error?: Error) => void }, body: Stream.Stream<Uint8Array, E>) => {
    const done = finished(target)
    done.catch(() => {}) // observed below; a body failure destroys the upload first
    return Stream.runForEach(body, (chunk) =>
      target.write(chunk)
        ? Effect.void
        : Effect.tryPromise({ try: () => once(target, "drain"), catch: (cause) => gcsError(cause, context, "put", key) })).pipe(
        Effect.onExit((exit) => Effect.sync(() => (exit._tag === "Success" ? target.end() : target.destroy(new Error("the body failed"))))),
        Effect.andThen(call("put", key)(() => done))
      )
  }

  const put = <E = never>(key: string, body: Body<E>, options: PutOptions = {}): Effect.Effect<ObjectMetadata, StorageError | E> =>
    Effect.gen(function*() {
      yield* validateKey(key, "put")
      const target = file(key)
      const match = options.ifMatch === undefined ? undefined : generationOf(options.ifMatch)
      if (options.ifMatch !== undefined && match === undefined) {
        yield* headWith(key, "put")
        return yield* storageError("PreconditionFailed", `The object '${key}' does not have the etag '${options.ifMatch}'.`, { operation: "put", key })
      }
      const ifGenerationMatch = options.ifNoneMatch === "*" ? 0 : match === undefined ? undefined : Number(match)
      const upload = {
        metadata: {
          ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
          ...(options.metadata === undefined ? {} : { metadata: { ...options.metadata } })
        },
        ...(ifGenerationMatch === undefined ? {} : { preconditionOpts: { ifGenerationMatch } })
      }
      const sent = body instanceof Uint8Array && body.byteLength <= settings.threshold
        ? call("put", key)(() => target.save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), { ...upload, resumable: false }))
        : writeStream(key, target.createWriteStream({ ...upload, resumable: settings.resumable }), body instanceof Uint8Array ? Stream.make(body) : body)
      yield* Effect.catchIf(
        sent,
        (error): error is StorageError => error instanceof StorageError && error.reason === "PreconditionFailed",
        (error) =>
          options.ifNoneMatch === "*"
            ? Effect.fail(storageError("AlreadyExists", `The object '${key}' already exists.`, { operation: "put", key }))
            : notFoundIfAbsent(headWith(key, "put"), key, options.ifMatch ?? "")(error)
      )
      return metadataOf(key, target.metadata)
    }).pipe(Effect.withSpan("GcsStorage.put"))

  const del = Effect.fn("GcsStorage.delete")(function*(key: string, options: DeleteOptions = {}) {
    yield* validateKey(key, "delete")
    const match = options.ifMatch === undefined ? undefined : generationOf(options.ifMatch)
    if (options.ifMatch !== undefined && match === undefined) {
      yield* headWith(key, "delete")
      return yield* storageError("PreconditionFailed", `The object '${key}' does not have the etag '${options.ifMatch}'.`, { operation: "delete", key })
    }
    yield* call("delete", key)(() => file(key).delete(match === undefined ? {} : { ifGenerationMatch: Number(match) }))
  })

  const copy = Effect.fn("GcsStorage.copy")(function*(source: string, target: string) {
    yield* validateKey(source, "copy")
    yield* validateKey(target, "copy")
    yield* call("copy", source)(() => file(source).copy(file(target)))
    return yield* headWith(target, "copy")
  })

  const onListError = (cause: unknown) => gcsError(cause, context, "list")

  const list = (options: ListOptions = {}): Stream.Stream<ObjectMetadata, StorageError> =>
    Stream.unwrap(Effect.map(validatePrefix(options.prefix ?? "", "list"), (listPrefix) => {
      const query = {
        prefix: prefix + listPrefix,
        autoPaginate: false,
        maxResults: 1000,
        ...(options.includeDirectories === true ? { delimiter: "/" } : {}),
        ...(options.startAfter === undefined ? {} : { startOffset: prefix + options.startAfter })
      }
      const page = (pageToken: string | undefined) =>
        Effect.map(
          Effect.tryPromise({ try: () => bucket.getFiles(pageToken === undefined ? query : { ...query, pageToken }), catch: onListError }),
          ([files, next, response]): readonly [ReadonlyArray<ObjectMetadata>, Option.Option<string | undefined>] => {
            const directories = ((response as { prefixes?: ReadonlyArray<string> } | undefined)?.prefixes ?? []).map((name): ObjectMetadata => ({
              key: name.slice(prefix.length, -1),
              contentLength: 0,
              lastModified: new Date(0),
              type: "directory"
            }))
            const entries = [...directories, ...files.map((f) => metadataOf(f.name.slice(prefix.length), f.metadata))]
            const token = (next as { pageToken?: string } | null)?.pageToken
            return [entries.toSorted((a, b) => compareKeys(sortKey(a), sortKey(b))), token === undefined ? Option.none() : Option.some(token)]
          }
        )
      return Stream.paginate(undefined as string | undefined, page).pipe(
        Stream.filter((entry) => options.startAfter === undefined || compareKeys(sortKey(entry), options.startAfter) > 0),
        Stream.takeWhile((entry) => options.endAt === undefined || compareKeys(sortKey(entry), options.endAt) <= 0)
      )
    }))

  return { type: "gcs", capabilities: allCapabilities, head, read, getBytes, put, delete: del, copy, list }
}
