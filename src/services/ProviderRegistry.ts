/**
 * Maps a provider `type` name from a config file to the code that builds the
 * provider, so a user's own provider type works from a config file like the
 * built-in ones.
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect, Scope } from "effect"
import type { CredentialsProviderShape } from "./Credentials.ts"
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
  /** The profile's `credentials_provider`, built; absent when the profile names none. */
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
 * @since 0.1.0
 * @category services
 */
export class ProviderRegistry extends Context.Service<ProviderRegistry, {
  readonly get: (type: string) => ProviderFactory | undefined
  readonly types: () => ReadonlyArray<string>
}>()("strata/ProviderRegistry") {}

/**
 * A registry from a list of factories; later entries replace earlier ones of
 * the same type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRegistry = (factories: ReadonlyArray<ProviderFactory>): ProviderRegistry["Service"] => {
  const byType = new Map(factories.map((factory) => [factory.type, factory] as const))
  return ProviderRegistry.of({
    get: (type) => byType.get(type),
    types: () => [...byType.keys()].toSorted()
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
