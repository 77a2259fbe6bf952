/**
 * The provider types this build knows: `memory`, `file`, `posix`, `azure`
 * and `gcs`, plus any a user registers.
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
import * as Azure from "../providers/storage/azureFactory.ts"
import * as Gcs from "../providers/storage/gcsFactory.ts"
import * as Memory from "../providers/storage/memory.ts"
import * as Posix from "../providers/storage/posix.ts"
import { makeRegistry, ProviderRegistry } from "../services/ProviderRegistry.ts"
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
  Azure.factory,
  Gcs.factory
]

/**
 * The built-in registry as a value, for code that builds a client by hand.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultRegistry: ProviderRegistry["Service"] = makeRegistry(builtinFactories)

/**
 * The built-in types plus the given ones; a given factory replaces a built-in
 * of the same type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const registryWith = (factories: ReadonlyArray<ProviderFactory>): ProviderRegistry["Service"] =>
  makeRegistry([...builtinFactories, ...factories])

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
export const layerWith = (factories: ReadonlyArray<ProviderFactory>): Layer.Layer<ProviderRegistry> =>
  Layer.succeed(ProviderRegistry, registryWith(factories))
