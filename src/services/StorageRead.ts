/**
 * Read preconditions and byte ranges, checked the same way by every provider
 * and by wrappers that answer reads themselves (the read cache).
 *
 * @since 0.1.0
 */
import { storageError } from "./StorageProvider.ts"
import type { ByteRange, ReadOptions, StorageError } from "./StorageProvider.ts"

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
