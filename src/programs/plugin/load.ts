/**
 * Loading a provider module (`strata plugin serve MODULE`): its default
 * export must be a `Provider` (Provider.ts).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { isProvider } from "./Provider.ts"
import type { Provider } from "./Provider.ts"
import { ProviderRuntimeError } from "./runtime.ts"

/**
 * Imports the module at `path` (relative to `cwd`) and returns its provider.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadProvider = (path: string, cwd: string = process.cwd()): Effect.Effect<Provider, ProviderRuntimeError> =>
  Effect.gen(function*() {
    const url = pathToFileURL(resolve(cwd, path)).href
    const module = yield* Effect.tryPromise({
      try: () => import(url) as Promise<Record<string, unknown>>,
      catch: (cause) =>
        new ProviderRuntimeError({
          message: `Cannot load the provider module ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause
        })
    })
    const provider = module["default"]
    if (!isProvider(provider)) {
      return yield* new ProviderRuntimeError({
        message: `The module ${path} has no provider as its default export (export default Provider.cache(...), Provider.secrets(...) or Provider.integration(...)).`
      })
    }
    return provider
  })
