#!/usr/bin/env node
/**
 * A provider process without the rest of the CLI (faster to start than
 * `strata plugin serve`): `node src/programs/plugin/main.ts MODULE`, with
 * the GESTALT_PLUGIN_* environment (runtime.ts). SIGTERM and SIGINT drain
 * calls in flight and exit 0.
 *
 * @since 0.1.0
 */
// The module alone: the package index loads HTTP, sockets and more that a provider does not need.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Exit } from "effect"
import { loadProvider } from "./load.ts"
import { run } from "./runtime.ts"

if (import.meta.main) {
  const module = process.argv[2]
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
