/**
 * What every command needs: the storage client built from the config file
 * the shared flags name, and uniform output of results and errors.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { defaultRegistry } from "../../layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../layers/StorageClientLive.ts"
import { loadConfig, validateProviderOptions } from "../../layers/StorageConfigLoader.ts"
import { profileStackWrap } from "../../layers/storage/stack.ts"
import { telemetrySettings } from "../../layers/telemetry/settings.ts"
import { root } from "./root.ts"

/**
 * The resolved config named by `--config` (or found on the MSC search path).
 *
 * @since 0.1.0
 * @category context
 */
export const currentConfig = Effect.gen(function*() {
  const { config } = yield* root
  const loaded = yield* loadConfig({
    ...(config._tag === "Some" ? { file: config.value } : {}),
    env: process.env,
    cwd: process.cwd()
  })
  yield* validateProviderOptions(loaded, defaultRegistry)
  return loaded
})

/**
 * A storage client over the current config, closed with the command's scope.
 * Every profile's provider gets the stack of `profileStackWrap`: retries, the
 * read cache where the config enables it, and instrumentation (spans and
 * metrics) only when telemetry is enabled, as main.ts decides (see
 * telemetry.ts).
 *
 * @since 0.1.0
 * @category context
 */
export const currentClient = Effect.gen(function*() {
  const config = yield* currentConfig
  const traced = telemetrySettings(process.env, config.opentelemetry).settings.enabled
  const wrap = yield* profileStackWrap(config, { env: process.env, instrumented: traced })
  return yield* makeStorageClient({ config, registry: defaultRegistry, cwd: process.cwd(), wrap })
})

/**
 * Prints a result: `json` when `--json` was given, `human` otherwise.
 *
 * @since 0.1.0
 * @category output
 */
export const emit = (human: () => string, json: () => unknown) =>
  Effect.gen(function*() {
    const flags = yield* root
    const text = flags.json ? JSON.stringify(json(), null, 2) : human()
    if (text !== "") yield* Console.log(text)
  })
