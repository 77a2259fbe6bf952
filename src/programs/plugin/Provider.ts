/**
 * What a provider module exports (its default export) for
 * `strata plugin serve MODULE`, or what is passed to `serve` from code: a
 * provider kind with what it serves and the layer that gives the services
 * it needs.
 *
 * ```ts
 * export default Provider.cache({ name: "memory-cache", layer: MemoryCache.layer() })
 * export default Provider.integration(plugin, Layer.mergeAll(HostCache.layer(), ...))
 * ```
 *
 * @since 0.1.0
 */
import { Layer } from "effect"
import type { Cache } from "../../services/Cache.ts"
import type { Plugin } from "../../services/Plugin.ts"
import type { Secrets } from "../../services/Secrets.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Identity {
  readonly name: string
  readonly displayName?: string
  readonly description?: string
  readonly version?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export type Provider =
  | { readonly kind: "cache"; readonly identity: Identity; readonly layer: Layer.Layer<Cache, unknown> }
  | { readonly kind: "secrets"; readonly identity: Identity; readonly layer: Layer.Layer<Secrets, unknown> }
  | {
    readonly kind: "integration"
    readonly plugin: Plugin<unknown>
    readonly layer: Layer.Layer<unknown, unknown>
  }

/**
 * A cache provider serving the `Cache` that `layer` builds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cache = (options: Identity & { readonly layer: Layer.Layer<Cache, unknown> }): Provider => ({
  kind: "cache",
  identity: options,
  layer: options.layer
})

/**
 * A secrets provider serving the `Secrets` that `layer` builds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const secrets = (options: Identity & { readonly layer: Layer.Layer<Secrets, unknown> }): Provider => ({
  kind: "secrets",
  identity: options,
  layer: options.layer
})

/**
 * An integration plugin; `layer` gives the services its handlers require.
 *
 * @since 0.1.0
 * @category constructors
 */
export function integration(plugin: Plugin<never>): Provider
export function integration<R>(plugin: Plugin<R>, layer: Layer.Layer<R, unknown>): Provider
export function integration<R>(plugin: Plugin<R>, layer?: Layer.Layer<R, unknown>): Provider {
  return {
    kind: "integration",
    plugin: plugin as Plugin<unknown>,
    layer: (layer ?? Layer.empty) as Layer.Layer<unknown, unknown>
  }
}

/**
 * Whether a module's default export is a provider.
 *
 * @since 0.1.0
 * @category guards
 */
export const isProvider = (value: unknown): value is Provider =>
  typeof value === "object" && value !== null && "kind" in value && "layer" in value &&
  (value.kind === "cache" || value.kind === "secrets" || value.kind === "integration")
