/**
 * Object metadata of the POSIX provider: etags and metadata from `stat`,
 * read preconditions and byte ranges.
 *
 * @since 0.1.0
 */
import type { BigIntStats } from "node:fs"
import { storageError } from "../../services/StorageProvider.ts"
import type { ByteRange, ObjectMetadata, ReadOptions, StorageError } from "../../services/StorageProvider.ts"

/**
 * The etag of a file: inode, size and modification time in nanoseconds. An
 * overwrite always changes it: the new content is written to a new file
 * (created while the old one still exists, so its inode number differs)
 * and renamed over the old one; rename keeps the inode and mtime, so the
 * etag `put` computes before the rename is the one `head` sees after it.
 *
 * @since 0.1.0
 * @category metadata
 */
export const etagOf = (stats: BigIntStats): string =>
  `${stats.ino.toString(16)}-${stats.size.toString(16)}-${stats.mtimeNs.toString(16)}`

/**
 * @since 0.1.0
 * @category metadata
 */
export const metadataOf = (key: string, stats: BigIntStats): ObjectMetadata => ({
  key,
  contentLength: Number(stats.size),
  lastModified: new Date(Number(stats.mtimeMs)),
  type: "file",
  etag: etagOf(stats)
})

/**
 * @since 0.1.0
 * @category metadata
 */
export const directoryMetadataOf = (key: string, stats: BigIntStats | undefined): ObjectMetadata => ({
  key,
  contentLength: 0,
  lastModified: new Date(stats === undefined ? 0 : Number(stats.mtimeMs)),
  type: "directory"
})

/**
 * Throws the read precondition that fails for a file of `etag`, if any.
 *
 * @since 0.1.0
 * @category preconditions
 */
export const checkRead = (key: string, etag: string, options: ReadOptions | undefined, operation: string): void => {
  if (options === undefined) return
  if (options.ifMatch !== undefined && options.ifMatch !== etag) throw mismatch(key, etag, options.ifMatch, operation)
  if (options.ifNoneMatch !== undefined && (options.ifNoneMatch === "*" || options.ifNoneMatch === etag)) {
    throw storageError("NotModified", `The object '${key}' still has etag '${etag}'.`, { operation, key })
  }
}

/**
 * @since 0.1.0
 * @category preconditions
 */
export const mismatch = (key: string, etag: string, expected: string, operation: string): StorageError =>
  storageError("PreconditionFailed", `The object '${key}' has etag '${etag}', not the expected '${expected}'.`, {
    operation,
    key
  })

/**
 * The byte bounds `[start, end)` of a range over `size` bytes; throws
 * `InvalidRange` for a range that is not a pair of non-negative integers or
 * starts past the end (a range starting at the end is empty).
 *
 * @since 0.1.0
 * @category ranges
 */
export const byteBounds = (
  key: string,
  size: number,
  range: ByteRange | undefined,
  operation: string
): readonly [number, number] => {
  if (range === undefined) return [0, size]
  const { length, offset } = range
  if (
    !Number.isSafeInteger(offset) || offset < 0 ||
    (length !== undefined && (!Number.isSafeInteger(length) || length < 0))
  ) {
    throw storageError(
      "InvalidRange",
      `The range offset=${offset} length=${length ?? "(to end)"} of '${key}' is not a pair of non-negative integers.`,
      { operation, key }
    )
  }
  if (offset > size) {
    throw storageError("InvalidRange", `The range offset ${offset} lies past the end of '${key}' (${size} bytes).`, {
      operation,
      key
    })
  }
  return [offset, length === undefined ? size : Math.min(size, offset + length)]
}
