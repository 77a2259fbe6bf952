/**
 * A profile's provider stack, as the architecture orders it:
 * `provider -> retry -> instrumentation -> read cache`. Retry sits closest
 * to the provider so that every attempt is one provider call and the
 * instrumentation sees one operation per call; the read cache is outermost
 * so that a hit costs no provider call at all (and is not measured as one).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ConfigError, StorageConfig } from "../../services/StorageConfig.ts"
import { readCacheWrap } from "../ReadCache.ts"
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
