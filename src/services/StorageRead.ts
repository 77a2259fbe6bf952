/**
 * Read preconditions and byte ranges, checked the same way by every provider
 * and by wrappers that answer reads themselves (the read cache).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { storageError } from "./StorageProvider.ts"
import type { ByteRange, ReadOptions, StorageError } from "./StorageProvider.ts"

/**
 * Runs the throwing checks of this module (`checkRead`, `byteBounds`) as an
 * Effect; they throw nothing but `StorageError`s.
 *
 * @since 0.1.0
 * @category preconditions
 */
export const readChecks = <A>(checks: () => A): Effect.Effect<A, StorageError> =>
  Effect.try({ try: checks, catch: (error) => error as StorageError })

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
 * The `InvalidRange` failure for a range that is not a pair of non-negative
 * integers, or `undefined` for a well-formed one (its bounds against the
 * object are checked apart).
 *
 * @since 0.1.0
 * @category ranges
 */
export const malformedRange = (key: string, operation: string, range: ByteRange): StorageError | undefined => {
  const { length, offset } = range
  const valid = Number.isSafeInteger(offset) && offset >= 0 &&
    (length === undefined || (Number.isSafeInteger(length) && length >= 0))
  return valid ? undefined : storageError(
    "InvalidRange",
    `The range offset=${offset} length=${length ?? "(to end)"} of '${key}' is not a pair of non-negative integers.`,
    { operation, key }
  )
}

/**
 * Checks a range's numbers before asking a backend (the bounds against the
 * object are the backend's business): `InvalidRange` naming the key.
 *
 * @since 0.1.0
 * @category ranges
 */
export const checkRange = (key: string, operation: string, range: ByteRange | undefined): Effect.Effect<void, StorageError> => {
  const problem = range === undefined ? undefined : malformedRange(key, operation, range)
  return problem === undefined ? Effect.void : Effect.fail(problem)
}

/**
 * The failure for a range that starts past the end of an object.
 *
 * @since 0.1.0
 * @category ranges
 */
export const pastTheEnd = (key: string, operation: string, offset: number, size: number): StorageError =>
  storageError("InvalidRange", `The range offset ${offset} lies past the end of '${key}' (${size} bytes).`, { operation, key })

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
  const problem = malformedRange(key, operation, range)
  if (problem !== undefined) throw problem
  const { length, offset } = range
  if (offset > size) throw pastTheEnd(key, operation, offset, size)
  return [offset, length === undefined ? size : Math.min(size, offset + length)]
}

/**
 * One buffer from many (the chunks of a body read whole).
 *
 * @since 0.1.0
 * @category bodies
 */
export const concatBytes = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
