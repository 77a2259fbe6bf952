/**
 * The `StorageProvider` operations over one Azure Blob container (and key
 * prefix): see `azure.ts` for what the provider promises.
 *
 * @since 0.1.0
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import type { BlobItem, ContainerClient } from "@azure/storage-blob"
import { Effect, Stream } from "effect"
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
import { azureError } from "./azureErrors.ts"
import type { AzureErrorContext } from "./azureErrors.ts"
import { upload } from "./azureUpload.ts"
import type { UploadSettings } from "./azureUpload.ts"
import { inByteOrder } from "./keyOrder.ts"
import { emptyUnlessPastTheEnd, notFoundIfAbsent, stallLimit, unquote, withinSeconds } from "./objectStore.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface AzureShapeSettings extends UploadSettings {
  readonly container: ContainerClient
  /** Key prefix inside the container: `""` or ending with "/". */
  readonly prefix: string
  readonly context: AzureErrorContext
  /** Time limit of each request, in seconds. */
  readonly timeoutSeconds: number
}

/** Azure wants etags quoted, as it sends them. */
const quoted = (etag: string): string => `"${etag}"`

/** Azure request conditions from ours (absent ones left out). */
const conditionsOf = (options: { readonly ifMatch?: string | undefined; readonly ifNoneMatch?: string | undefined }) => ({
  ...(options.ifMatch === undefined ? {} : { ifMatch: quoted(options.ifMatch) }),
  ...(options.ifNoneMatch === undefined ? {} : { ifNoneMatch: options.ifNoneMatch === "*" ? "*" : quoted(options.ifNoneMatch) })
})

interface Properties {
  readonly contentLength?: number | undefined
  readonly lastModified?: Date | undefined
  readonly etag?: string | undefined
  readonly contentType?: string | undefined
  readonly metadata?: Record<string, string> | undefined
}

const metadataOf = (key: string, properties: Properties): ObjectMetadata => ({
  key,
  contentLength: properties.contentLength ?? 0,
  lastModified: properties.lastModified ?? new Date(0),
  type: "file",
  ...(properties.etag === undefined ? {} : { etag: unquote(properties.etag)! }),
  ...(properties.contentType === undefined ? {} : { contentType: properties.contentType }),
  ...(properties.metadata === undefined ? {} : { metadata: { ...properties.metadata } })
})

/**
 * The provider's operations.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeAzureShape = (settings: AzureShapeSettings): StorageProviderShape => {
  const { container, context, prefix } = settings
  const blob = (key: string) => container.getBlockBlobClient(prefix + key)
  const what = `The Azure endpoint ${context.endpoint} of profile '${context.profile}'`
  const limit = withinSeconds(settings.timeoutSeconds, what)
  const stalled = stallLimit(settings.timeoutSeconds, what)
  const call = (operation: string, key: string | undefined) =>
  <A>(run: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, StorageError> =>
    Effect.tryPromise({ try: run, catch: (cause) => azureError(cause, context, operation, key) }).pipe(
      limit({ operation, ...(key === undefined ? {} : { key }) })
    )

  const headWith = (key: string, operation: string, options: ReadOptions = {}) =>
    Effect.map(
      call(operation, key)((abortSignal) =>
        blob(key).getProperties({ abortSignal, conditions: conditionsOf(options) })
      ),
      (properties) => metadataOf(key, properties)
    )

  const head = Effect.fn("AzureStorage.head")(function*(key: string) {
    yield* validateKey(key, "head")
    return yield* headWith(key, "head")
  })

  /** The blob's body for a read (undefined: an empty read), after validation and preconditions. */
  const open = Effect.fnUntraced(function*(key: string, options: ReadOptions, operation: string) {
    yield* validateKey(key, operation)
    yield* checkRange(key, operation, options.range)
    const offset = options.range?.offset ?? 0
    const length = options.range?.length
    // Azure reads a count of 0 as "to the end", and answers 416 for a range
    // that starts at the end of the blob: both are empty reads here.
    const emptyIfAtEnd = Effect.as(emptyUnlessPastTheEnd(headWith(key, operation, options), key, operation, offset), undefined)
    if (length === 0) return yield* emptyIfAtEnd
    const response = yield* call(operation, key)((abortSignal) =>
      blob(key).download(offset, length, { abortSignal, maxRetryRequests: 0, conditions: conditionsOf(options) })
    ).pipe(Effect.catchIf((error) => error.reason === "InvalidRange", () => Effect.succeed(undefined)))
    return response === undefined ? yield* emptyIfAtEnd : response.readableStreamBody
  })

  const read = (key: string, options: ReadOptions = {}, operation = "read"): Stream.Stream<Uint8Array, StorageError> =>
    Stream.unwrap(Effect.map(open(key, options, operation), (body) =>
      body === undefined ? Stream.empty : stalled({ operation, key })(NodeStream.fromReadable<Uint8Array, StorageError>({
        evaluate: () => body,
        onError: (cause) => azureError(cause, context, operation, key)
      }))))

  const getBytes = Effect.fn("AzureStorage.getBytes")(function*(key: string, options: ReadOptions = {}) {
    return concatBytes(yield* Stream.runCollect(read(key, options, "getBytes")))
  })

  const put = <E = never>(key: string, body: Body<E>, options: PutOptions = {}): Effect.Effect<ObjectMetadata, StorageError | E> =>
    Effect.gen(function*() {
      yield* validateKey(key, "put")
      if (options.ifNoneMatch === "*" && body instanceof Uint8Array === false) {
        // Not worth streaming a whole body to learn that the blob exists.
        const exists = yield* Effect.exit(headWith(key, "put"))
        if (exists._tag === "Success") {
          return yield* storageError("AlreadyExists", `The object '${key}' already exists.`, { operation: "put", key })
        }
      }
      const uploaded = yield* upload(blob(key), body, {
        ...(options.contentType === undefined ? {} : { blobHTTPHeaders: { blobContentType: options.contentType } }),
        ...(options.metadata === undefined ? {} : { metadata: { ...options.metadata } }),
        conditions: conditionsOf(options)
      }, settings, call("put", key)).pipe(
        options.ifMatch === undefined ? (effect) => effect : Effect.catchIf((error): error is StorageError => error instanceof StorageError, notFoundIfAbsent(headWith(key, "put"), key, options.ifMatch))
      )
      return metadataOf(key, {
        contentLength: uploaded.size,
        lastModified: uploaded.lastModified,
        etag: uploaded.etag,
        contentType: options.contentType,
        metadata: options.metadata === undefined ? undefined : { ...options.metadata }
      })
    }).pipe(Effect.withSpan("AzureStorage.put"))

  const del = Effect.fn("AzureStorage.delete")(function*(key: string, options: DeleteOptions = {}) {
    yield* validateKey(key, "delete")
    yield* call("delete", key)((abortSignal) => blob(key).delete({ abortSignal, conditions: conditionsOf(options) }))
  })

  const copy = Effect.fn("AzureStorage.copy")(function*(source: string, target: string) {
    yield* validateKey(source, "copy")
    yield* validateKey(target, "copy")
    // Within one account a copy completes before the answer; "pending" only
    // happens across accounts, and is polled until done.
    const { copyStatus: status } = yield* call("copy", source)(async (abortSignal) => {
      const poller = await blob(target).beginCopyFromURL(blob(source).url, { abortSignal, intervalInMs: 200 })
      return poller.pollUntilDone()
    })
    if (status !== "success") {
      return yield* storageError("Unavailable", `The copy of '${source}' to '${target}' ended with status '${status ?? "unknown"}'.`, { operation: "copy", key: target })
    }
    return yield* headWith(target, "copy")
  })

  const onListError = (cause: unknown) => azureError(cause, context, "list")

  const list = (options: ListOptions = {}): Stream.Stream<ObjectMetadata, StorageError> =>
    Stream.unwrap(Effect.map(validatePrefix(options.prefix ?? "", "list"), (listPrefix) => {
      const full = prefix + listPrefix
      const file = (item: BlobItem) => metadataOf(item.name.slice(prefix.length), item.properties)
      const directory = (name: string): ObjectMetadata => ({
        key: name.slice(prefix.length).replace(/\/$/, ""),
        contentLength: 0,
        lastModified: new Date(0),
        type: "directory"
      })
      const pages: Stream.Stream<ReadonlyArray<ObjectMetadata>, StorageError> = options.includeDirectories === true
        ? Stream.map(
          Stream.fromAsyncIterable(container.listBlobsByHierarchy("/", { prefix: full }).byPage({ maxPageSize: 5000 }), onListError),
          // A page holds its directories first: merge them in (as "name/", in the backend's order).
          (page) => [...page.segment.blobPrefixes?.map((p) => directory(p.name)) ?? [], ...page.segment.blobItems.map(file)]
            .toSorted((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
        )
        : Stream.map(
          Stream.fromAsyncIterable(container.listBlobsFlat({ prefix: full }).byPage({ maxPageSize: 5000 }), onListError),
          (page) => page.segment.blobItems.map(file)
        )
      return inByteOrder(Stream.flatMap(pages, (page) => Stream.fromIterable(page)), sortKey).pipe(
        Stream.filter((entry) => options.startAfter === undefined || compareKeys(sortKey(entry), options.startAfter) > 0),
        Stream.takeWhile((entry) => options.endAt === undefined || compareKeys(sortKey(entry), options.endAt) <= 0)
      )
    }))

  return { type: "azure", capabilities: allCapabilities, head, read, getBytes, put, delete: del, copy, list }
}

/** Where an entry sorts: a directory as "name/", as S3 sorts it. */
const sortKey = (entry: ObjectMetadata): string => (entry.type === "directory" ? `${entry.key}/` : entry.key)
