/**
 * The provider process behind src/programs/plugin/main.ts: loads the module
 * and serves its provider until SIGTERM or SIGINT, which drain calls in
 * flight and exit 0. Exit 2 for a usage error, 3 when the provider fails.
 *
 * @since 0.1.0
 */
// The module alone: the package index loads HTTP, sockets and more that a provider does not need.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Exit } from "effect"
import { loadProvider } from "./load.ts"
import { run } from "./runtime.ts"

/**
 * Serves the provider that `module` (a path) exports by default.
 *
 * @since 0.1.0
 * @category entry points
 */
export const serveModule = (module: string | undefined): void => {
  if (module === undefined) {
    process.stderr.write("usage: node src/programs/plugin/main.ts MODULE (a module whose default export is a Provider)\n")
    process.exit(2)
  }
  Effect.flatMap(loadProvider(module), (provider) => run(provider)).pipe(
    Effect.tapError((error) => Effect.sync(() => process.stderr.write(`strata: ${error.message}\n`))),
    NodeRuntime.runMain({
      disableErrorReporting: true,
      teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) || Exit.hasInterrupts(exit) ? 0 : 3)
    })
  )
}
