/**
 * strata's public surface, one namespace per module.
 *
 * @since 0.1.0
 */

/** The storage backend contract, its errors and models. @since 0.1.0 */
export * as StorageProvider from "./services/StorageProvider.ts"
/** Key safety rules shared by every provider. @since 0.1.0 */
export * as StorageKey from "./services/StorageKey.ts"
/** The URL-level storage API. @since 0.1.0 */
export * as StorageClient from "./services/StorageClient.ts"
/** The MSC config model and its errors. @since 0.1.0 */
export * as StorageConfig from "./services/StorageConfig.ts"
/** Schemas of the MSC config file format. @since 0.1.0 */
export * as StorageConfigFile from "./services/StorageConfigFile.ts"
/** `msc://` and implicit-profile URL resolution. @since 0.1.0 */
export * as StorageUrl from "./services/StorageUrl.ts"
/** Provider types by name, for config files. @since 0.1.0 */
export * as ProviderRegistry from "./services/ProviderRegistry.ts"

/** The in-memory provider. @since 0.1.0 */
export * as MemoryStorage from "./providers/storage/memory.ts"
/** The local-disk provider (`file` in config files). @since 0.1.0 */
export * as PosixStorage from "./providers/storage/posix.ts"

/** Finding, reading and checking MSC config files. @since 0.1.0 */
export * as StorageConfigLoader from "./layers/StorageConfigLoader.ts"
/** The built-in provider registry, and adding your own types. @since 0.1.0 */
export * as ProviderRegistryDefault from "./layers/ProviderRegistryDefault.ts"
/** The StorageClient implementation over profiles. @since 0.1.0 */
export * as StorageClientLive from "./layers/StorageClientLive.ts"

/** The key/value cache contract (Gestalt cache surface). @since 0.1.0 */
export * as Cache from "./services/Cache.ts"
/** Key, value and TTL checks shared by every cache provider. @since 0.1.0 */
export * as CacheKey from "./services/CacheKey.ts"
/** A Schema-typed (JSON) view of a cache. @since 0.1.0 */
export * as CacheTyped from "./services/CacheTyped.ts"
/** In-memory LRU cache with TTL on the Effect Clock. @since 0.1.0 */
export * as MemoryCache from "./providers/cache/memory.ts"
/** Redis cache (node-redis). @since 0.1.0 */
export * as RedisCache from "./providers/cache/redis.ts"
/** Directory-backed cache that survives restarts. @since 0.1.0 */
export * as DiskCache from "./providers/cache/disk.ts"
/** Turns cache outages into misses. @since 0.1.0 */
export * as CacheDegrade from "./layers/CacheDegrade.ts"

/** OpenTelemetry traces and metrics exported over OTLP/HTTP; off by default. @since 0.1.0 */
export * as Telemetry from "./layers/Telemetry.ts"

/** Data contracts (ContractGate format): models, errors, the service. @since 0.1.0 */
export * as Contracts from "./services/Contracts.ts"
/** YAML decoding, generated validators and PII transforms. @since 0.1.0 */
export * as ContractsLive from "./layers/ContractsLive.ts"
/** A client of the contract gateway. @since 0.1.0 */
export * as ContractClient from "./services/ContractClient.ts"
/** The ContractClient over effect/http. @since 0.1.0 */
export * as ContractClientHttp from "./layers/ContractClientHttp.ts"
