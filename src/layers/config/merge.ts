/**
 * Merging included files into the including one (MSC §1.3): one level
 * only; profiles merge whole (a name in two files must be defined
 * identically); `path_mapping` and `experimental_features` merge key by key;
 * `opentelemetry.metrics.attributes` lists are concatenated in include
 * order, every other opentelemetry field must be identical or defined once;
 * `cache` and `posix` must be identical or appear in one file only.
 *
 * @since 0.1.0
 */
import type { ConfigFile } from "../../services/StorageConfigFile.ts"
import type { ParsedConfigFile } from "./parseFile.ts"
import type { Path, Problem } from "./problems.ts"
import { formatPath } from "./problems.ts"

type Content = Omit<ConfigFile, "include">
type Plain = Readonly<Record<string, unknown>>

const isPlain = (value: unknown): value is Plain =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)

/**
 * Structural equality of decoded config values (key order does not matter).
 *
 * @since 0.1.0
 * @category utils
 */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]))
  if (isPlain(a) && isPlain(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
  }
  return false
}

/** Recursive merge where both sides may hold a key only if the values agree (MSC's merge_dictionaries_no_overwrite). */
const mergeNoOverwrite = (base: Plain, next: Plain, path: Path, conflicts: Array<Path>): Plain => {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(next)) {
    if (!Object.hasOwn(out, key)) out[key] = value
    else if (isPlain(out[key]) && isPlain(value)) out[key] = mergeNoOverwrite(out[key], value, [...path, key], conflicts)
    else if (!deepEqual(out[key], value)) conflicts.push([...path, key])
  }
  return out
}

const withoutAttributes = (otel: Plain): Plain => {
  const metrics = otel["metrics"]
  if (!isPlain(metrics) || !Object.hasOwn(metrics, "attributes")) return otel
  const { attributes: _, ...rest } = metrics
  return { ...otel, metrics: rest }
}

const attributesOf = (otel: Plain | undefined): ReadonlyArray<unknown> => {
  const metrics = otel?.["metrics"]
  const attributes = isPlain(metrics) ? metrics["attributes"] : undefined
  return Array.isArray(attributes) ? attributes : []
}

/**
 * The main file's content with each included file merged in, in order, or
 * the conflicts (each names both files).
 *
 * @since 0.1.0
 * @category merging
 */
export const mergeIncludes = (
  main: ParsedConfigFile,
  included: ReadonlyArray<ParsedConfigFile>
): { readonly content: Content; readonly problems: ReadonlyArray<Problem> } => {
  const { include: _, ...first } = main.content
  let merged: Record<string, unknown> = { ...first }
  const problems: Array<Problem> = []
  for (const next of included) {
    const where = `in ${main.file} and ${next.file}`
    const conflict = (path: Path, message: string, at: "key" | "value" = "value") =>
      problems.push({ path, at, file: next.file, message })
    if (next.content.include !== undefined) {
      conflict(["include"], `nested includes are not allowed (${next.file} is included by ${main.file})`, "key")
    }
    const { include: __, ...content } = next.content
    for (const [section, value] of Object.entries(content) as Array<[keyof Content, unknown]>) {
      const current = merged[section]
      if (current === undefined) {
        merged = { ...merged, [section]: value }
        continue
      }
      switch (section) {
        case "profiles": {
          const profiles: Record<string, unknown> = { ...(current as Plain) }
          for (const [name, profile] of Object.entries(value as Plain)) {
            if (!Object.hasOwn(profiles, name)) profiles[name] = profile
            else if (!deepEqual(profiles[name], profile)) {
              conflict(["profiles", name], `profile '${name}' is defined differently ${where}`)
            }
          }
          merged = { ...merged, profiles }
          break
        }
        case "path_mapping":
        case "experimental_features": {
          const conflicts: Array<Path> = []
          merged = { ...merged, [section]: mergeNoOverwrite(current as Plain, value as Plain, [section], conflicts) }
          for (const path of conflicts) conflict(path, `${formatPath(path)} has different values ${where}`)
          break
        }
        case "opentelemetry": {
          const conflicts: Array<Path> = []
          const rest = mergeNoOverwrite(
            withoutAttributes(current as Plain),
            withoutAttributes(value as Plain),
            [section],
            conflicts
          )
          for (const path of conflicts) conflict(path, `${formatPath(path)} is defined differently ${where}`)
          const attributes = [...attributesOf(current as Plain), ...attributesOf(value as Plain)]
          const metrics = isPlain(rest["metrics"]) ? rest["metrics"] : undefined
          merged = {
            ...merged,
            opentelemetry: attributes.length === 0 && metrics === undefined
              ? rest
              : { ...rest, metrics: { ...metrics, ...(attributes.length === 0 ? {} : { attributes }) } }
          }
          break
        }
        case "cache":
        case "posix":
          if (!deepEqual(current, value)) conflict([section], `'${section}' is defined differently ${where}`)
          break
      }
    }
  }
  return { content: merged as Content, problems }
}
