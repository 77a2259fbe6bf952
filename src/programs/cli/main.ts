#!/usr/bin/env node
/**
 * The `strata` executable: `node src/programs/cli/main.ts ARGS...`.
 *
 * Telemetry is configured from the `OTEL_*` environment and the config
 * file's `opentelemetry` section (off by default);
 * spans and metrics are flushed, within a bounded time, before the process
 * exits.
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect, Exit, Layer } from "effect"
import { layerFromSettings } from "../../layers/telemetry/otlpLayer.ts"
import { runCli } from "./app.ts"
import { cliTelemetrySettings } from "./telemetry.ts"

if (import.meta.main) {
  const args = process.argv.slice(2)
  const Telemetry = Layer.unwrap(Effect.gen(function*() {
    const telemetry = yield* cliTelemetrySettings(args, process.env)
    for (const warning of telemetry.warnings) process.stderr.write(`strata: warning: ${warning}\n`)
    return layerFromSettings(telemetry.settings, {
      onDroppedSpans: (count) =>
        process.stderr.write(`strata: warning: telemetry dropped ${count} spans (the export queue was full).\n`)
    })
  }))
  runCli(args).pipe(
    Effect.provide(Telemetry),
    Effect.provide(NodeServices.layer),
    NodeRuntime.runMain({
      disableErrorReporting: true,
      teardown: (exit, onExit) =>
        onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : Exit.hasInterrupts(exit) ? 130 : 1)
    })
  )
}
