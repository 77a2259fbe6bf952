#!/usr/bin/env node
/**
 * The `strata` executable: `node src/programs/cli/main.ts ARGS...`.
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect, Exit } from "effect"
import { runCli } from "./app.ts"

if (import.meta.main) {
  runCli(process.argv.slice(2)).pipe(
    Effect.provide(NodeServices.layer),
    NodeRuntime.runMain({
      disableErrorReporting: true,
      teardown: (exit, onExit) =>
        onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : Exit.hasInterrupts(exit) ? 130 : 1)
    })
  )
}
