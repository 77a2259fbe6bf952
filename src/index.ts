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
/** Sync between directories: options, events, summary, errors. @since 0.1.0 */
export * as StorageSync from "./services/StorageSync.ts"
/** Provider types by name, for config files. @since 0.1.0 */
export * as ProviderRegistry from "./services/ProviderRegistry.ts"

/** The in-memory provider. @since 0.1.0 */
export * as MemoryStorage from "./providers/storage/memory.ts"
/** The local-disk provider (`file` in config files). @since 0.1.0 */
export * as PosixStorage from "./providers/storage/posix.ts"
/** The S3 provider (`s3` in config files): AWS and S3-compatible services. @since 0.1.0 */
export * as S3Storage from "./providers/storage/s3.ts"

/** The credentials contract shared by the cloud providers. @since 0.1.0 */
export * as Credentials from "./services/Credentials.ts"
/** Fixed credentials (`S3Credentials` in config files). @since 0.1.0 */
export * as StaticCredentials from "./providers/credentials/static.ts"
/** Credentials from AWS_* environment variables (`EnvironmentCredentials`). @since 0.1.0 */
export * as EnvironmentCredentials from "./providers/credentials/environment.ts"
/** Credentials from a credential_process JSON file (`FileBasedCredentials`). @since 0.1.0 */
export * as FileBasedCredentials from "./providers/credentials/fileBased.ts"
/** Renews any credentials provider's credentials before they expire. @since 0.1.0 */
export * as RefreshingCredentials from "./providers/credentials/refreshing.ts"
/** The Azure Blob provider (`azure` in config files). @since 0.1.0 */
export * as AzureStorage from "./providers/storage/azure.ts"
/** The Google Cloud Storage provider (`gcs` in config files). @since 0.1.0 */
export * as GcsStorage from "./providers/storage/gcs.ts"
/** MSC's `AzureCredentials` credentials type (a connection string). @since 0.1.0 */
export * as AzureCredentials from "./providers/credentials/azure.ts"

/** Finding, reading and checking MSC config files. @since 0.1.0 */
export * as StorageConfigLoader from "./layers/StorageConfigLoader.ts"
/** The built-in provider registry, and adding your own types. @since 0.1.0 */
export * as ProviderRegistryDefault from "./layers/ProviderRegistryDefault.ts"
/** The StorageClient implementation over profiles. @since 0.1.0 */
export * as StorageClientLive from "./layers/StorageClientLive.ts"
/** Retries of `Unavailable` failures, as a provider wrapper. @since 0.1.0 */
export * as StorageRetry from "./layers/Retry.ts"
/** The read cache: object content on local disk, size-bounded, checksummed, shared by processes. @since 0.1.0 */
export * as ReadCache from "./layers/ReadCache.ts"
/** A profile's provider stack (retry, instrumentation, read cache) and the client over it. @since 0.1.0 */
export * as StorageStack from "./layers/storage/stack.ts"

/** The object metadata contract: listings and virtual paths beside a store. @since 0.1.0 */
export * as MetadataProvider from "./services/MetadataProvider.ts"
/** MSC manifests as a metadata provider (`type: manifest` in config files). @since 0.1.0 */
export * as ManifestMetadata from "./providers/metadata/manifest.ts"
/** Writing an MSC manifest of a store. @since 0.1.0 */
export * as ManifestGenerator from "./providers/metadata/manifestGenerate.ts"
/** A storage provider seen through a metadata provider. @since 0.1.0 */
export * as MetadataStorage from "./layers/MetadataStorage.ts"

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

/** The object mapper contract: serialize/deserialize/read/write and `MapperError`. @since 0.1.0 */
export * as ObjectMapper from "./services/ObjectMapper.ts"
/** Mapper settings (Alias, DateFormat, Flattened, Union ...) and the `MapperSettings` layer. @since 0.1.0 */
export * as MapperSettings from "./services/MapperSettings.ts"
/** Converter modules: converters, plans and the `MapperModule` service. @since 0.1.0 */
export * as MapperModule from "./services/MapperModule.ts"
/** The built-in `json` and `yaml` converter modules. @since 0.1.0 */
export * as MapperModules from "./layers/mapper/modules.ts"
/** Struct and class field introspection, flattened fields expanded. @since 0.1.0 */
export * as MapperFields from "./layers/mapper/fields.ts"
/** The ObjectMapper implementation (plans compiled once per schema). @since 0.1.0 */
export * as ObjectMapperLive from "./layers/ObjectMapperLive.ts"

/** The Plugin authoring API: operations with Schema input and output. @since 0.1.0 */
export * as Plugin from "./services/Plugin.ts"
/** A plugin's catalog derived from its schemas. @since 0.1.0 */
export * as PluginCatalog from "./services/PluginCatalog.ts"
/** Calling a plugin, local or remote: catalog and invoke. @since 0.1.0 */
export * as PluginClient from "./services/PluginClient.ts"
/** Named secrets as Redacted values (Gestalt secrets surface). @since 0.1.0 */
export * as Secrets from "./services/Secrets.ts"
/** What a provider module exports: Provider.cache, .secrets, .integration. @since 0.1.0 */
export * as Provider from "./programs/plugin/Provider.ts"
/** Serving a provider over the Gestalt protocol (GESTALT_PLUGIN_* environment). @since 0.1.0 */
export * as PluginRuntime from "./programs/plugin/runtime.ts"
/** Layers over provider processes: remote Cache, Secrets and plugins. @since 0.1.0 */
export * as RemoteProvider from "./programs/plugin/layers.ts"
/** The host's services as seen by a plugin (GESTALT_CACHE_SOCKET). @since 0.1.0 */
export * as HostServices from "./programs/plugin/hostServices.ts"
/** Launching and supervising a provider process. @since 0.1.0 */
export * as PluginHost from "./programs/plugin/host.ts"

/** Data contracts (ContractGate format): models, errors, the service. @since 0.1.0 */
export * as Contracts from "./services/Contracts.ts"
/** YAML decoding, generated validators and PII transforms. @since 0.1.0 */
export * as ContractsLive from "./layers/ContractsLive.ts"
/** A client of the contract gateway. @since 0.1.0 */
export * as ContractClient from "./services/ContractClient.ts"
/** The ContractClient over effect/http. @since 0.1.0 */
export * as ContractClientHttp from "./layers/ContractClientHttp.ts"

/** The artifacts contract: artifact types, `Artifacts`, `ArtifactError`, access modes. @since 0.1.0 */
export * as Artifacts from "./services/Artifacts.ts"
/** Who runs builds (`ArtifactBuilder`); swap its layer to run them elsewhere. @since 0.1.0 */
export * as ArtifactBuilder from "./services/ArtifactBuilder.ts"
/** The Artifacts service over StorageClient, and the in-process builder. @since 0.1.0 */
export * as ArtifactsLive from "./layers/artifacts/ArtifactsLive.ts"
/** A builder running each build in a worker thread, with bounded concurrency. @since 0.1.0 */
export * as ArtifactWorkerBuilder from "./layers/artifacts/workerBuilder.ts"
/** Field codecs (text, json, cbor, list, ndarray, bytes) and the reader/writer registry. @since 0.1.0 */
export * as ArtifactFields from "./layers/artifacts/fields.ts"
/** JSON Schemas of specs (spec, spec-list, spec-dict). @since 0.1.0 */
export * as ArtifactSchemas from "./layers/artifacts/specSchemas.ts"
