/**
 * MSC's metric attribute providers (`opentelemetry.metrics.attributes`): a
 * list of `{type, options}` whose results are merged into one attribute set,
 * later providers overriding earlier keys.
 *
 * Supported types, each with `options.attributes` mapping an attribute name
 * to a value:
 * - `static`: the value itself (`{region: "eu"}`);
 * - `environment_variables`: the name of an environment variable, whose value
 *   is used (`{job: "SLURM_JOB_ID"}`); variables that are not set are skipped;
 * - `host`: `"name"`, the host name;
 * - `process`: `"pid"`, the process id.
 *
 * MSC's `thread` (no threads here), `msc_config` (JMESPath over the config)
 * and fully qualified Python class names are not supported and fail with a
 * `ConfigError`.
 *
 * @since 0.1.0
 */
import { Effect, Predicate } from "effect"
import { hostname } from "node:os"
import { ConfigError } from "../../services/StorageConfig.ts"

/**
 * The attribute provider types this build supports.
 *
 * @since 0.1.0
 * @category constants
 */
export const ATTRIBUTE_PROVIDER_TYPES: ReadonlyArray<string> = ["static", "environment_variables", "host", "process"]

const UNSUPPORTED_MSC_TYPES: Readonly<Record<string, string>> = {
  msc_config: "JMESPath expressions over the config are not supported",
  thread: "there are no threads to describe in this runtime"
}

const configError = (path: string, message: string): ConfigError =>
  new ConfigError({ message, path })

/** The string values of `options.attributes`, or a `ConfigError` naming the bad entry. */
const stringEntries = (
  path: string,
  options: unknown
): Effect.Effect<ReadonlyArray<readonly [string, string]>, ConfigError> => {
  const attributes = Predicate.isObject(options) ? options["attributes"] : undefined
  if (!Predicate.isObject(attributes)) {
    return Effect.fail(configError(`${path}.options.attributes`, "expected a mapping of attribute names to strings"))
  }
  const entries: Array<readonly [string, string]> = []
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value !== "string") {
      return Effect.fail(
        configError(`${path}.options.attributes.${name}`, `expected a string, got ${JSON.stringify(value) ?? "nothing"}`)
      )
    }
    entries.push([name, value])
  }
  return Effect.succeed(entries)
}

const oneOf = (
  path: string,
  entries: ReadonlyArray<readonly [string, string]>,
  allowed: string,
  value: () => string
): Effect.Effect<Record<string, string>, ConfigError> => {
  const out: Record<string, string> = {}
  for (const [name, field] of entries) {
    if (field !== allowed) {
      return Effect.fail(
        configError(`${path}.options.attributes.${name}`, `unknown field '${field}' (supported: ${allowed})`)
      )
    }
    out[name] = value()
  }
  return Effect.succeed(out)
}

const resolveOne = (
  path: string,
  type: string,
  options: unknown,
  env: Readonly<Record<string, string | undefined>>
): Effect.Effect<Record<string, string>, ConfigError> =>
  !ATTRIBUTE_PROVIDER_TYPES.includes(type)
    ? Effect.fail(configError(`${path}.type`, unknownType(type)))
    : Effect.flatMap(stringEntries(path, options), (entries) => {
    switch (type) {
      case "static":
        return Effect.succeed(Object.fromEntries(entries))
      case "environment_variables": {
        const out: Record<string, string> = {}
        for (const [name, variable] of entries) {
          const value = env[variable]
          if (value !== undefined) out[name] = value
        }
        return Effect.succeed(out)
      }
      case "host":
        return oneOf(path, entries, "name", hostname)
      default: // process
        return oneOf(path, entries, "pid", () => String(process.pid))
    }
  })

const unknownType = (type: string): string => {
  const why = Object.hasOwn(UNSUPPORTED_MSC_TYPES, type)
    ? ` (MSC's '${type}' is not supported: ${UNSUPPORTED_MSC_TYPES[type]})`
    : type.includes(".")
    ? " (Python class names are not supported)"
    : ""
  return `unknown metric attribute provider type '${type}'${why}; supported types: ${
    ATTRIBUTE_PROVIDER_TYPES.join(", ")
  }`
}

/**
 * Resolves the attribute providers of an `opentelemetry` section (as kept in
 * `StorageConfig.opentelemetry`) into one attribute set. No section, or no
 * `metrics.attributes`, gives `{}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveMetricAttributes = (
  opentelemetry: Readonly<Record<string, unknown>> | undefined,
  env: Readonly<Record<string, string | undefined>>
): Effect.Effect<Record<string, string>, ConfigError> =>
  Effect.gen(function*() {
    const metrics = opentelemetry?.["metrics"]
    const providers = Predicate.isObject(metrics) ? metrics["attributes"] : undefined
    if (providers === undefined) return {}
    if (!Array.isArray(providers)) {
      return yield* configError("opentelemetry.metrics.attributes", "expected a list of {type, options}")
    }
    const out: Record<string, string> = {}
    for (const [index, spec] of providers.entries()) {
      const path = `opentelemetry.metrics.attributes[${index}]`
      const type: unknown = Predicate.isObject(spec) ? spec["type"] : undefined
      if (typeof type !== "string") return yield* configError(`${path}.type`, "expected a provider type")
      Object.assign(out, yield* resolveOne(path, type, Predicate.isObject(spec) ? spec["options"] : undefined, env))
    }
    return out
  })
