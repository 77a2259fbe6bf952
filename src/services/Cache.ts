/**
 * A key/value cache with time-to-live, the surface of the Gestalt cache
 * provider: values are bytes; `getMany` returns only the keys present;
 * `delete`/`touch` report whether the key existed; `deleteMany` counts.
 * Backends (memory, Redis, disk) are layers; `Cache` is served over gRPC and
 * consumed from a remote provider the same way (Gestalt protocol).
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Duration, Effect, Option } from "effect"

/**
 * Why a cache operation failed.
 *
 * @since 0.1.0
 * @category errors
 */
export const CacheErrorReason = Schema.Literals([
  /** The key is empty or otherwise unusable. */
  "InvalidKey",
  /** The value is larger than the provider's configured limit. */
  "ValueTooLarge",
  /** The TTL is not a positive, finite duration. */
  "InvalidTtl",
  /** The backend could not be reached or failed (Redis down, disk full ...). */
  "Unavailable",
  /** A stored entry could not be read back (corrupt file, wrong type in Redis ...). */
  "Corrupt"
])
export type CacheErrorReason = typeof CacheErrorReason.Type

/**
 * The one error of the cache service; `message` is a sentence naming the key.
 *
 * @since 0.1.0
 * @category errors
 */
export class CacheError extends Schema.TaggedError<CacheError>()("CacheError", {
  reason: CacheErrorReason,
  message: Schema.String,
  operation: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface SetOptions {
  /** Expire after this long; no TTL means the entry lives until evicted or deleted. */
  readonly ttl?: Duration.Input | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CacheShape {
  /** The value of a key, or none when absent or expired. */
  readonly get: (key: string) => Effect.Effect<Option.Option<Uint8Array>, CacheError>
  /** The values of the keys that are present (absent ones are left out). */
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, Uint8Array>, CacheError>
  readonly set: (key: string, value: Uint8Array, options?: SetOptions) => Effect.Effect<void, CacheError>
  /** Sets every entry, all with the same TTL (as Gestalt's SetMany). */
  readonly setMany: (
    entries: ReadonlyArray<readonly [key: string, value: Uint8Array]>,
    options?: SetOptions
  ) => Effect.Effect<void, CacheError>
  /** Whether the key existed. */
  readonly delete: (key: string) => Effect.Effect<boolean, CacheError>
  /** How many of the keys existed (a key repeated counts once). */
  readonly deleteMany: (keys: ReadonlyArray<string>) => Effect.Effect<number, CacheError>
  /** Gives an existing key a new TTL; whether the key existed. */
  readonly touch: (key: string, ttl: Duration.Input) => Effect.Effect<boolean, CacheError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class Cache extends Context.Service<Cache, CacheShape>()("strata/Cache") {}
