/**
 * A profile's provider stack, as the architecture orders it:
 * `provider -> retry -> instrumentation -> read cache`. Retry sits closest
 * to the provider so that every attempt is one provider call and the
 * instrumentation sees one operation per call; the read cache is outermost
 * so that a hit costs no provider call at all (and is not measured as one).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import type { ProviderRegistry } from "../../services/ProviderRegistry.ts"
import type { StorageClient } from "../../services/StorageClient.ts"
import type { ConfigError, StorageConfig } from "../../services/StorageConfig.ts"
import { readCacheWrap } from "../ReadCache.ts"
import { layer } from "../StorageClientLive.ts"
import { loadConfig } from "../StorageConfigLoader.ts"
import { retryWrap } from "../Retry.ts"
import { instrumentationWrap } from "../StorageInstrumentation.ts"
import type { ProviderWrap } from "./profiles.ts"

/**
 * Applies wraps in order: the first one wraps the provider, the next one
 * wraps that, and so on.
 *
 * @since 0.1.0
 * @category combinators
 */
export const composeWraps = (...wraps: ReadonlyArray<ProviderWrap>): ProviderWrap => (profile, config, provider) =>
  Effect.reduce(wraps, () => provider, (inner, wrap) => wrap(profile, config, inner))

/**
 * The whole stack for every profile of `config`: retries by the profile's
 * `retry` section (MSC's defaults otherwise), instrumentation when
 * `instrumented` (telemetry on), and the read cache of the `cache` section
 * for the profiles with `caching_enabled`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const profileStackWrap = (
  config: StorageConfig,
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly instrumented: boolean }
): Effect.Effect<ProviderWrap, ConfigError> =>
  Effect.map(readCacheWrap(config), (cache) =>
    composeWraps(
      retryWrap,
      ...(options.instrumented ? [instrumentationWrap(config, options.env)] : []),
      cache
    ))

/**
 * The client over the config file found as MSC finds it (see
 * `StorageClientLive.layerFromConfig`), every profile with its stack:
 * retries, the read cache where the config enables it, and instrumentation
 * when `instrumented`. This is what the `strata` CLI uses.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromConfig = (options: {
  readonly file?: string | undefined
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd?: string | undefined
  readonly instrumented?: boolean | undefined
}): Layer.Layer<StorageClient, ConfigError, ProviderRegistry> =>
  Layer.unwrap(Effect.gen(function*() {
    const config = yield* loadConfig({
      ...(options.file === undefined ? {} : { file: options.file }),
      env: options.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd })
    })
    const wrap = yield* profileStackWrap(config, { env: options.env, instrumented: options.instrumented ?? false })
    return layer(config, { cwd: options.cwd, wrap })
  }))
