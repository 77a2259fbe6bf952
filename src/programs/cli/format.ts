/**
 * Human output helpers for the CLI: sizes, dates, tables.
 *
 * @since 0.1.0
 */
import type { ObjectMetadata } from "../../services/StorageProvider.ts"

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const

/**
 * `1536` -> `1.5 KiB`; under 1 KiB whole bytes (`24.39` -> `24 B`: rates are fractions).
 *
 * @since 0.1.0
 * @category formatting
 */
export const humanBytes = (bytes: number): string => {
  let value = Math.round(bytes)
  if (value < 1024) return `${value} B`
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`
}

/**
 * `75` -> `1m15s`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const humanDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "?"
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

/**
 * Metadata as plain JSON (dates as ISO strings, absent fields left out).
 *
 * @since 0.1.0
 * @category formatting
 */
export const metadataJson = (meta: ObjectMetadata & { readonly url?: string }): Record<string, unknown> => {
  const out: Record<string, unknown> = {
    key: meta.key,
    ...(meta.url === undefined ? {} : { url: meta.url }),
    type: meta.type,
    size: meta.contentLength,
    lastModified: meta.lastModified.toISOString()
  }
  if (meta.etag !== undefined) out["etag"] = meta.etag
  if (meta.contentType !== undefined) out["contentType"] = meta.contentType
  if (meta.metadata !== undefined) out["metadata"] = meta.metadata
  return out
}

/**
 * Left-aligned columns separated by two spaces.
 *
 * @since 0.1.0
 * @category formatting
 */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths: Array<number> = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "))
    .join("\n")
}
