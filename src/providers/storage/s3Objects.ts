/**
 * Deletes, copies and listings of the s3 provider.
 *
 * - **Delete** of a missing object succeeds on S3, but the contract says
 *   `NotFound`, so a HEAD comes first (with `ifMatch`, which S3 also checks
 *   atomically on the DELETE itself where conditional writes are on). An
 *   object deleted by someone else between the two calls is not reported.
 * - **Copy** is CopyObject (server side; content type and user metadata go
 *   with it), then a HEAD for the new object's size. Objects over 5 GiB would
 *   need a multipart copy, which this provider does not do yet.
 * - **List** is ListObjectsV2, page by page; with `includeDirectories` the
 *   delimiter is "/" and each page's common prefixes and objects are merged
 *   in key order.
 *
 * @since 0.1.0
 */
import { CopyObjectCommand, DeleteObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3"
import type { ListObjectsV2CommandOutput } from "@aws-sdk/client-s3"
import { Effect, Option, Stream } from "effect"
import { validateKey, validatePrefix } from "../../services/StorageKey.ts"
import { compareKeys, storageError } from "../../services/StorageProvider.ts"
import type { DeleteOptions, ListOptions, ObjectMetadata, StorageError } from "../../services/StorageProvider.ts"
import { head } from "./s3Read.ts"
import { fullKey, metadataOf, quote, requireCapability, send } from "./s3Target.ts"
import type { S3Target } from "./s3Target.ts"

/**
 * @since 0.1.0
 * @category writes
 */
export const deleteObject = (target: S3Target, key: string, options?: DeleteOptions): Effect.Effect<void, StorageError> =>
  Effect.gen(function*() {
    yield* validateKey(key, "delete")
    const ifMatch = options?.ifMatch
    yield* requireCapability(target, "conditionalDelete", ifMatch !== undefined, "A delete with ifMatch", "delete", key)
    const current = yield* head(target, key)
    if (ifMatch !== undefined && current.etag !== ifMatch) {
      return yield* storageError(
        "PreconditionFailed",
        `The object '${key}' has etag '${current.etag ?? "(none)"}', not the expected '${ifMatch}'.`,
        { operation: "delete", key }
      )
    }
    yield* send(target, "delete", key, (abortSignal) =>
      target.client.send(
        new DeleteObjectCommand({
          Bucket: target.bucket,
          Key: fullKey(target, key),
          ...(ifMatch === undefined ? {} : { IfMatch: quote(ifMatch) })
        }),
        { abortSignal }
      ))
  })

/** A key as CopySource wants it: URL-encoded, "/" kept. */
const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`

/**
 * @since 0.1.0
 * @category writes
 */
export const copy = (target: S3Target, source: string, destination: string): Effect.Effect<ObjectMetadata, StorageError> =>
  Effect.gen(function*() {
    yield* validateKey(source, "copy")
    yield* validateKey(destination, "copy")
    yield* send(target, "copy", source, (abortSignal) =>
      target.client.send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: fullKey(target, destination),
          CopySource: copySource(target.bucket, fullKey(target, source))
        }),
        { abortSignal }
      ))
    return yield* head(target, destination)
  })

/** The key an entry sorts by: a directory as its prefix, with the "/". */
const sortKey = (entry: ObjectMetadata) => (entry.type === "directory" ? `${entry.key}/` : entry.key)

/** One page's entries: objects and common prefixes merged in key order, keys relative to the base path. */
const entriesOf = (target: S3Target, page: ListObjectsV2CommandOutput): Array<ObjectMetadata> => {
  const strip = (key: string) => key.slice(target.prefix.length)
  const files = (page.Contents ?? []).map((object) =>
    metadataOf(strip(object.Key ?? ""), { ContentLength: object.Size, LastModified: object.LastModified, ETag: object.ETag }))
  const directories = (page.CommonPrefixes ?? []).map((common): ObjectMetadata => ({
    key: strip(common.Prefix ?? "").replace(/\/$/, ""),
    contentLength: 0,
    // S3 gives directories no time; the minimum date, as MSC reports it.
    lastModified: new Date(0),
    type: "directory"
  }))
  return [...files, ...directories].toSorted((a, b) => compareKeys(sortKey(a), sortKey(b)))
}

/**
 * @since 0.1.0
 * @category listings
 */
export const list = (target: S3Target, options: ListOptions = {}): Stream.Stream<ObjectMetadata, StorageError> =>
  Stream.unwrap(Effect.map(validatePrefix(options.prefix ?? "", "list"), (prefix) => {
    const { endAt, startAfter } = options
    const pastEnd = (entry: ObjectMetadata) =>
      endAt !== undefined && compareKeys(entry.type === "directory" ? `${entry.key}/` : entry.key, endAt) > 0
    const request = (token: string | undefined) =>
      send(target, "list", prefix === "" ? undefined : prefix, (abortSignal) =>
        target.client.send(
          new ListObjectsV2Command({
            Bucket: target.bucket,
            Prefix: fullKey(target, prefix),
            ...(options.includeDirectories === true ? { Delimiter: "/" } : {}),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
            ...(token === undefined && startAfter !== undefined ? { StartAfter: fullKey(target, startAfter) } : {})
          }),
          { abortSignal }
        ))
    return Stream.paginate(undefined as string | undefined, (token) =>
      Effect.map(request(token), (page) => {
        const entries = entriesOf(target, page)
        const kept = entries.filter((entry) => !pastEnd(entry))
        // Keys come in order, so the first one past `endAt` ends the listing.
        const more = page.IsTruncated === true && page.NextContinuationToken !== undefined && kept.length === entries.length
        return [kept, more ? Option.some(page.NextContinuationToken) : Option.none()] as const
      }))
  }))
