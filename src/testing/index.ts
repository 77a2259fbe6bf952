/**
 * strata's test kit: behaviour suites any provider (ours or yours) can run.
 *
 * @since 0.1.0
 */

/** The StorageProvider behaviour suite. @since 0.1.0 */
export * as StorageProviderSuite from "./StorageProviderSuite.ts"

/** The MetadataProvider behaviour suite. @since 0.1.0 */
export * as MetadataProviderSuite from "./MetadataProviderSuite.ts"

/** The Cache behaviour suite. @since 0.1.0 */
export * as CacheSuite from "./CacheSuite.ts"

/** In-memory capture of spans and metrics for tests. @since 0.1.0 */
export * as TelemetryCapture from "./TelemetryCapture.ts"
