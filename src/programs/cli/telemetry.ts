/**
 * The CLI's telemetry settings: the `OTEL_*` environment, then the
 * `opentelemetry` section of the config file that `--config` (or the MSC
 * search path) names. Read before the command runs, because the root span
 * and its exporter must exist first; a config that does not load here is
 * reported by the command itself, so its error is ignored.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { loadConfig } from "../../layers/StorageConfigLoader.ts"
import { telemetrySettings } from "../../layers/telemetry/settings.ts"
import type { TelemetrySettingsResult } from "../../layers/telemetry/settings.ts"

/** The value of `--config FILE` or `--config=FILE`, if given. */
const configFlag = (args: ReadonlyArray<string>): string | undefined => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ""
    if (arg === "--config") return args[i + 1]
    if (arg.startsWith("--config=")) return arg.slice("--config=".length)
  }
  return undefined
}

/**
 * @since 0.1.0
 * @category telemetry
 */
export const cliTelemetrySettings = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>
): Effect.Effect<TelemetrySettingsResult> => {
  const file = configFlag(args)
  return loadConfig({ ...(file === undefined ? {} : { file }), env, cwd: process.cwd() }).pipe(
    Effect.map((config) => telemetrySettings(env, config.opentelemetry)),
    Effect.orElseSucceed(() => telemetrySettings(env))
  )
}
