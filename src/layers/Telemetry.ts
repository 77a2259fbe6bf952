/**
 * Telemetry: traces and metrics of Effect programs exported over OTLP/HTTP
 * with the OpenTelemetry JS SDK. Off by default; configured with the
 * standard `OTEL_*` environment variables and the config file's
 * `opentelemetry.metrics` section.
 *
 * @since 0.1.0
 */
import type { Layer } from "effect"
import { layerFromSettings, type TelemetryLayerOptions } from "./telemetry/otlpLayer.ts"
import { type TelemetrySettings, telemetrySettings } from "./telemetry/settings.ts"

export {
  /**
   * @since 0.1.0
   * @category layers
   */
  layerFromSettings,
  /**
   * @since 0.1.0
   * @category models
   */
  type TelemetryLayerOptions
} from "./telemetry/otlpLayer.ts"
export {
  /**
   * @since 0.1.0
   * @category formatting
   */
  describeExportFailure,
  /**
   * @since 0.1.0
   * @category models
   */
  type ExportFailure
} from "./telemetry/exportFailures.ts"
export {
  /**
   * @since 0.1.0
   * @category propagation
   */
  currentTraceparent,
  /**
   * @since 0.1.0
   * @category propagation
   */
  traceparentOf
} from "./telemetry/otlpPropagation.ts"
export {
  /**
   * @since 0.1.0
   * @category constructors
   */
  disabledSettings,
  /**
   * @since 0.1.0
   * @category models
   */
  type SignalSettings,
  /**
   * @since 0.1.0
   * @category models
   */
  type TelemetrySettings,
  /**
   * @since 0.1.0
   * @category models
   */
  type TelemetrySettingsResult,
  /**
   * @since 0.1.0
   * @category constructors
   */
  telemetrySettings
} from "./telemetry/settings.ts"

/**
 * The exporter layer for `settings` (same as `layerFromSettings`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (settings: TelemetrySettings, options?: TelemetryLayerOptions): Layer.Layer<never> =>
  layerFromSettings(settings, options)

/**
 * The exporter layer configured from `env` and the config file's
 * `opentelemetry` section. Warnings about ignored values are dropped; use
 * `telemetrySettings` + `layer` to show them.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
  configSection?: Readonly<Record<string, unknown>> | undefined
): Layer.Layer<never> => layerFromSettings(telemetrySettings(env, configSection).settings)
