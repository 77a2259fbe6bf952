/**
 * A Schema-typed view of a `Cache`: values of type `A` are stored as UTF-8
 * JSON of the schema's JSON form (`Schema.toCodecJson`), so a `Date`, a
 * `Schema.Class` or an `Option` round trips, and any other process that reads
 * the cache sees plain JSON.
 *
 * ```ts
 * const sessions = typed(cache, Session)
 * yield* sessions.set("session:42", session, { ttl: "30 minutes" })
 * const found = yield* sessions.get("session:42") // Option<Session>
 * ```
 *
 * A stored value that is not UTF-8, not JSON, or not a valid `A` is not
 * thrown: it fails with a `CacheError` of reason `Corrupt` naming the key
 * (`getMany` fails as a whole; wrap the cache with `CacheDegrade` to turn it
 * into a miss). A value that does not encode (a refinement of the schema
 * fails) is refused with `Corrupt` too, and nothing is written.
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema } from "effect"
import type { Duration } from "effect"
import { CacheError } from "./Cache.ts"
import type { CacheShape, SetOptions } from "./Cache.ts"

/**
 * The typed operations; `delete`, `deleteMany` and `touch` are the cache's own.
 *
 * @since 0.1.0
 * @category models
 */
export interface TypedCache<A> {
  readonly get: (key: string) => Effect.Effect<Option.Option<A>, CacheError>
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, A>, CacheError>
  readonly set: (key: string, value: A, options?: SetOptions) => Effect.Effect<void, CacheError>
  readonly setMany: (entries: ReadonlyArray<readonly [key: string, value: A]>, options?: SetOptions) => Effect.Effect<void, CacheError>
  readonly delete: (key: string) => Effect.Effect<boolean, CacheError>
  readonly deleteMany: (keys: ReadonlyArray<string>) => Effect.Effect<number, CacheError>
  readonly touch: (key: string, ttl: Duration.Input) => Effect.Effect<boolean, CacheError>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

const corrupt = (key: string, operation: string, message: string, cause: unknown): CacheError =>
  new CacheError({ reason: "Corrupt", operation, key, message, cause })

/**
 * A typed view of `cache` whose values are `schema`'s type, stored as JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const typed = <A, I>(cache: CacheShape, schema: Schema.Codec<A, I>): TypedCache<A> => {
  const codec = Schema.fromJsonString(Schema.toCodecJson(schema))
  const decodeString = Schema.decodeUnknownEffect(codec)
  const encodeString = Schema.encodeEffect(codec)

  const decode = (key: string, bytes: Uint8Array, operation: string): Effect.Effect<A, CacheError> =>
    Effect.flatMap(
      Effect.try({
        try: () => decoder.decode(bytes),
        catch: (cause) => corrupt(key, operation, `The cached value of '${key}' is not UTF-8 text.`, cause)
      }),
      (text) =>
        Effect.mapError(decodeString(text), (error) =>
          corrupt(key, operation, `The cached value of '${key}' does not decode: ${error.message}`, error))
    )

  const encode = (key: string, value: A, operation: string): Effect.Effect<Uint8Array, CacheError> =>
    Effect.mapBoth(encodeString(value), {
      onFailure: (error) =>
        corrupt(key, operation, `The value for '${key}' does not encode, so it was not written: ${error.message}`, error),
      onSuccess: (text) => encoder.encode(text)
    })

  return {
    get: (key) =>
      Effect.flatMap(cache.get(key), (found) =>
        Option.isNone(found) ? Effect.succeed(Option.none()) : Effect.asSome(decode(key, found.value, "get"))),
    getMany: (keys) =>
      Effect.flatMap(cache.getMany(keys), (found) =>
        Effect.map(
          Effect.forEach(found, ([key, bytes]) => Effect.map(decode(key, bytes, "getMany"), (value) => [key, value] as const)),
          (pairs): ReadonlyMap<string, A> => new Map(pairs)
        )),
    set: (key, value, options) => Effect.flatMap(encode(key, value, "set"), (bytes) => cache.set(key, bytes, options)),
    setMany: (entries, options) =>
      Effect.flatMap(
        Effect.forEach(entries, ([key, value]) => Effect.map(encode(key, value, "setMany"), (bytes) => [key, bytes] as const)),
        (encoded) => cache.setMany(encoded, options)
      ),
    delete: cache.delete,
    deleteMany: cache.deleteMany,
    touch: cache.touch
  }
}
