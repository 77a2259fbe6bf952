/**
 * The provider types this build knows, plus any a user registers: storage
 * types `memory`, `file`, `posix`, `s3`, `azure` and `gcs`; credentials
 * types `S3Credentials`, `EnvironmentCredentials`, `FileBasedCredentials` and
 * `AzureCredentials`; metadata type `manifest`.
 *
 * A provider type is a `ProviderFactory`: its config-file name, a Schema for
 * its `options` (decoded before `make` is called; unknown keys should be
 * rejected), and a scoped constructor that may acquire resources (closed with
 * the storage client). Register it with `layerWith` (or `registryWith` when
 * building a client by hand), and profiles can name it:
 *
 * ```ts
 * // (import paths as in this repository)
 * import { Effect, Schema } from "effect"
 * import * as ProviderRegistryDefault from "./src/layers/ProviderRegistryDefault.ts"
 * import * as Memory from "./src/providers/storage/memory.ts"
 * import type { ProviderFactory } from "./src/services/ProviderRegistry.ts"
 *
 * const Options = Schema.Struct({ base_path: Schema.String, greeting: Schema.optional(Schema.String) })
 *
 * // A provider type "hello": a memory store with a first object in it.
 * const hello: ProviderFactory<typeof Options.Type> = {
 *   type: "hello",
 *   options: Options,
 *   make: (options, { profile }) =>
 *     Effect.gen(function*() {
 *       const provider = yield* Memory.make()
 *       yield* provider.put("hello.txt", new TextEncoder().encode(options.greeting ?? `hi from ${profile}`))
 *       return provider
 *     })
 * }
 *
 * // profiles: { greet: { storage_provider: { type: hello, options: { base_path: "" } } } }
 * export const Registry = ProviderRegistryDefault.layerWith([hello])
 * ```
 *
 * @since 0.1.0
 */
import { Layer } from "effect"
import * as AzureCredentials from "../providers/credentials/azure.ts"
import * as EnvironmentCredentials from "../providers/credentials/environment.ts"
import * as FileBasedCredentials from "../providers/credentials/fileBased.ts"
import * as StaticCredentials from "../providers/credentials/static.ts"
import * as Manifest from "../providers/metadata/manifest.ts"
import * as Azure from "../providers/storage/azureFactory.ts"
import * as Gcs from "../providers/storage/gcsFactory.ts"
import * as Memory from "../providers/storage/memory.ts"
import * as Posix from "../providers/storage/posix.ts"
import * as S3 from "../providers/storage/s3Factory.ts"
import { makeRegistry, ProviderRegistry } from "../services/ProviderRegistry.ts"
import type { CredentialsFactory } from "../services/Credentials.ts"
import type { MetadataProviderFactory } from "../services/MetadataProvider.ts"
import type { ProviderFactory } from "../services/ProviderRegistry.ts"

/**
 * The factories of the built-in provider types.
 *
 * @since 0.1.0
 * @category constructors
 */
export const builtinFactories: ReadonlyArray<ProviderFactory> = [
  Memory.factory,
  Posix.factory,
  Posix.posixFactory,
  S3.factory,
  Azure.factory,
  Gcs.factory
]

/**
 * The factories of the built-in credentials provider types: `S3Credentials`,
 * `EnvironmentCredentials`, `FileBasedCredentials` and `AzureCredentials`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const builtinCredentialsFactories: ReadonlyArray<CredentialsFactory> = [
  StaticCredentials.factory,
  EnvironmentCredentials.factory,
  FileBasedCredentials.factory,
  AzureCredentials.factory
]

/**
 * The factories of the built-in metadata provider types (`manifest`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const builtinMetadataFactories: ReadonlyArray<MetadataProviderFactory> = [Manifest.factory]

/**
 * The built-in registry as a value, for code that builds a client by hand.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultRegistry: ProviderRegistry["Service"] = makeRegistry(builtinFactories, {
  credentials: builtinCredentialsFactories,
  metadata: builtinMetadataFactories
})

/**
 * The built-in types plus the given ones; a given factory replaces a built-in
 * of the same type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const registryWith = (
  factories: ReadonlyArray<ProviderFactory>,
  more: {
    readonly credentials?: ReadonlyArray<CredentialsFactory> | undefined
    readonly metadata?: ReadonlyArray<MetadataProviderFactory> | undefined
  } = {}
): ProviderRegistry["Service"] =>
  makeRegistry([...builtinFactories, ...factories], {
    credentials: [...builtinCredentialsFactories, ...(more.credentials ?? [])],
    metadata: [...builtinMetadataFactories, ...(more.metadata ?? [])]
  })

/**
 * The built-in provider types.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ProviderRegistry> = Layer.succeed(ProviderRegistry, defaultRegistry)

/**
 * The built-in provider types plus the given ones (which win on a clash).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (
  factories: ReadonlyArray<ProviderFactory>,
  more: Parameters<typeof registryWith>[1] = {}
): Layer.Layer<ProviderRegistry> => Layer.succeed(ProviderRegistry, registryWith(factories, more))
