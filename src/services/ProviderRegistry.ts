/**
 * Maps a provider `type` name from a config file to the code that builds the
 * provider, so a user's own provider type works from a config file like the
 * built-in ones: storage providers (`storage_provider.type`) and metadata
 * providers (`metadata_provider.type`), each type name in its own table.
 *
 * @since 0.1.0
 */
import { Context, Effect, Schema } from "effect"
import type { Scope } from "effect"
import type { CredentialsFactory, CredentialsProviderShape } from "./Credentials.ts"
import type { MetadataProviderFactory } from "./MetadataProvider.ts"
import type { ConfigError } from "./StorageConfig.ts"
import type { StorageError, StorageProviderShape } from "./StorageProvider.ts"

/**
 * What a factory is told about the profile it builds for.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProviderContext {
  readonly profile: string
  /** The config file, to name it in errors; absent for the embedded default. */
  readonly file?: string | undefined
  /**
   * The profile's `credentials_provider`, built from the credentials types of
   * the registry; absent when the profile names none (the backend's own
   * default chain applies, as in MSC).
   */
  readonly credentials?: CredentialsProviderShape | undefined
}

/**
 * How to build one provider type: a Schema for its `options` (unknown keys are
 * rejected) and a scoped constructor.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProviderFactory<Options = any> {
  readonly type: string
  readonly options: Schema.Codec<Options, unknown>
  readonly make: (
    options: Options,
    context: ProviderContext
  ) => Effect.Effect<StorageProviderShape, StorageError | ConfigError, Scope.Scope>
}

/**
 * The types a config file can name: storage provider types
 * (`storage_provider.type`) and credentials provider types
 * (`credentials_provider.type`), one registry for both.
 *
 * @since 0.1.0
 * @category services
 */
export class ProviderRegistry extends Context.Service<ProviderRegistry, {
  readonly get: (type: string) => ProviderFactory | undefined
  readonly types: () => ReadonlyArray<string>
  readonly credentials: (type: string) => CredentialsFactory | undefined
  readonly credentialsTypes: () => ReadonlyArray<string>
  readonly metadata: (type: string) => MetadataProviderFactory | undefined
  readonly metadataTypes: () => ReadonlyArray<string>
}>()("strata/ProviderRegistry") {}

const byType = <F extends { readonly type: string }>(list: ReadonlyArray<F>) =>
  new Map(list.map((factory) => [factory.type, factory] as const))

/**
 * A registry from lists of factories; later entries replace earlier ones of
 * the same type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRegistry = (
  factories: ReadonlyArray<ProviderFactory>,
  more: {
    readonly credentials?: ReadonlyArray<CredentialsFactory> | undefined
    readonly metadata?: ReadonlyArray<MetadataProviderFactory> | undefined
  } = {}
): ProviderRegistry["Service"] => {
  const storage = byType(factories)
  const credentials = byType(more.credentials ?? [])
  const metadata = byType(more.metadata ?? [])
  return ProviderRegistry.of({
    get: (type) => storage.get(type),
    types: () => [...storage.keys()].toSorted(),
    credentials: (type) => credentials.get(type),
    credentialsTypes: () => [...credentials.keys()].toSorted(),
    metadata: (type) => metadata.get(type),
    metadataTypes: () => [...metadata.keys()].toSorted()
  })
}

/**
 * A Schema for a provider's `options` that rejects keys it does not declare,
 * naming them, whatever parse options the caller decodes with (a plain
 * `Schema.Struct` drops unknown keys by default, and a misspelt option that
 * is silently ignored is the worst kind of config bug).
 *
 * @since 0.1.0
 * @category constructors
 */
export const closedOptions = <const Fields extends Schema.Struct.Fields>(fields: Fields) => {
  const known = Object.keys(fields)
  return Schema.Record(Schema.String, Schema.Unknown).check(Schema.makeFilter((input) =>
    Object.keys(input).filter((key) => !known.includes(key)).map((key) => ({
      path: [key],
      issue: `Unknown option '${key}' (expected ${known.map((k) => `'${k}'`).join(", ")}).`
    }))
  )).pipe(Schema.decodeTo(Schema.Struct(fields)))
}

/**
 * A factory's `make` that loads the provider's module (and with it its SDK)
 * only when a profile of its type is built, so programs that never use the
 * type do not pay for loading it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeOnDemand = <Options>(
  load: () => Promise<{ readonly make: ProviderFactory<Options>["make"] }>
): ProviderFactory<Options>["make"] =>
(options, context) => Effect.flatMap(Effect.promise(load), ({ make }) => make(options, context))
