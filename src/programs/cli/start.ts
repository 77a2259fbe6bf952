/**
 * The `strata` executable's run: telemetry from the `OTEL_*` environment and
 * the config file's `opentelemetry` section (off by default), flushed within
 * a bounded time before the process exits with the command's code (130 when
 * interrupted, 1 on failure).
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit, Layer } from "effect"
import { describeExportFailure } from "../../layers/telemetry/exportFailures.ts"
import { layerFromSettings } from "../../layers/telemetry/otlpLayer.ts"
import { runCli } from "./app.ts"
import { cliTelemetrySettings } from "./telemetry.ts"

/**
 * Runs the CLI on `args` (argv without node and the script) until it exits.
 *
 * @since 0.1.0
 * @category entry points
 */
export const start = (args: ReadonlyArray<string>): void => {
  const Telemetry = Layer.unwrap(Effect.gen(function*() {
    const telemetry = yield* cliTelemetrySettings(args, process.env)
    for (const warning of telemetry.warnings) process.stderr.write(`strata: warning: ${warning}\n`)
    return layerFromSettings(telemetry.settings, {
      onDroppedSpans: (count) =>
        process.stderr.write(`strata: warning: telemetry dropped ${count} spans (the export queue was full).\n`),
      onExportFailed: (failure) => process.stderr.write(`strata: warning: ${describeExportFailure(failure)}\n`)
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
