/**
 * Dates (`Date`, `DateTime.Utc`) and durations as strings.
 *
 * Date formats are databind's: literal text plus `%Y` (4 digits), `%m %d
 * %H %M %S` (2 digits), `%f` (fraction digits) and `%z` (`Z`, `±HH`,
 * `±HHMM`, `±HH:MM`). `DateFormat` lists formats: input may match any,
 * output uses the first. The default, `ISO_8601`, reads ISO 8601 dates
 * with optional parts (`2022`, `2022-02-04`, `2022-02-04T11:30:10.5+01:00`)
 * and writes `Date#toISOString()` (databind writes `2022-02-04T11:30:10.0`
 * for naive datetimes; strata writes the full UTC form). Dates without an
 * offset are UTC.
 *
 * Durations are ISO 8601 strings (`P1DT5M`, `PT0.25S`); input may also be
 * an object `{days, hours, minutes, seconds, millis}`.
 *
 * @since 0.1.0
 */
import { DateTime, Duration } from "effect"
import type { Converter, Plan } from "../../services/MapperModule.ts"
import { fail } from "../../services/MapperModule.ts"
import { describeValue, expected, isRecord, mismatch, representationId } from "./describe.ts"

/**
 * The built-in format name.
 *
 * @since 0.1.0
 * @category formats
 */
export const ISO_8601 = "ISO_8601"

const ISO = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d+))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

interface Parts {
  readonly year?: string | undefined
  readonly month?: string | undefined
  readonly day?: string | undefined
  readonly hour?: string | undefined
  readonly minute?: string | undefined
  readonly second?: string | undefined
  readonly fraction?: string | undefined
  readonly zone?: string | undefined
}

const CODES: Readonly<Record<string, readonly [keyof Parts, string]>> = {
  Y: ["year", "(\\d{4})"],
  m: ["month", "(\\d{2})"],
  d: ["day", "(\\d{2})"],
  H: ["hour", "(\\d{2})"],
  M: ["minute", "(\\d{2})"],
  S: ["second", "(\\d{2})"],
  f: ["fraction", "(\\d+)"],
  z: ["zone", "(Z|[+-]\\d{2}(?::?\\d{2})?)"]
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** A user format as a regex and the part each group fills. */
const compileFormat = (format: string): { readonly regex: RegExp; readonly parts: ReadonlyArray<keyof Parts> } => {
  let source = ""
  const parts: Array<keyof Parts> = []
  for (let i = 0; i < format.length; i++) {
    const code = format[i] === "%" ? CODES[format[i + 1] ?? ""] : undefined
    if (code === undefined) source += escape(format[i]!)
    else {
      parts.push(code[0])
      source += code[1]
      i++
    }
  }
  return { regex: new RegExp(`^${source}$`), parts }
}

const n = (text: string | undefined, fallback: number) => text === undefined ? fallback : Number(text)

const toDate = (parts: Parts): Date | undefined => {
  const [year, month, day] = [n(parts.year, 1970), n(parts.month, 1), n(parts.day, 1)]
  const [hour, minute, second] = [n(parts.hour, 0), n(parts.minute, 0), n(parts.second, 0)]
  const millis = parts.fraction === undefined ? 0 : Number(`0.${parts.fraction}`) * 1000
  const zone = /^([+-])(\d{2}):?(\d{2})?$/.exec(parts.zone ?? "Z")
  const offset = zone === null ? 0 : (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3] ?? 0))
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000)
  // Date.UTC rolls 2022-02-30 over to March; such a date is not valid.
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  const valid = year >= 0 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
  return valid && !Number.isNaN(date.getTime()) ? date : undefined
}

const pad = (value: number, width: number) => String(value).padStart(width, "0")

const formatWith = (format: string, date: Date): string =>
  format === ISO_8601 ? date.toISOString() : format.replace(/%([YmdHMSfz%])/g, (_, code: string) => {
    switch (code) {
      case "Y": return pad(date.getUTCFullYear(), 4)
      case "m": return pad(date.getUTCMonth() + 1, 2)
      case "d": return pad(date.getUTCDate(), 2)
      case "H": return pad(date.getUTCHours(), 2)
      case "M": return pad(date.getUTCMinutes(), 2)
      case "S": return pad(date.getUTCSeconds(), 2)
      case "f": return pad(date.getUTCMilliseconds() * 1000, 6).replace(/0+$/, "") || "0"
      case "z": return "Z"
      default: return "%"
    }
  })

/**
 * Parses and formats dates with a list of formats (the first writes).
 *
 * @since 0.1.0
 * @category formats
 */
export const dateCodec = (formats: ReadonlyArray<string>) => {
  const parsers = formats.map((format): (text: string) => Date | undefined => {
    if (format === ISO_8601) {
      return (text) => {
        const m = ISO.exec(text)
        return m === null ? undefined : toDate({
          year: m[1], month: m[2], day: m[3], hour: m[4], minute: m[5], second: m[6], fraction: m[7], zone: m[8]
        })
      }
    }
    const { parts, regex } = compileFormat(format)
    return (text) => {
      const m = regex.exec(text)
      if (m === null) return undefined
      const found: Record<string, string | undefined> = {}
      parts.forEach((part, index) => (found[part] = m[index + 1]))
      return toDate(found)
    }
  })
  const first = formats[0] ?? ISO_8601
  const list = formats.join(", ")
  return {
    parse: (payload: unknown): Date => {
      if (payload instanceof Date) return payload
      if (typeof payload !== "string") return mismatch("a date string", payload)
      for (const parse of parsers) {
        const date = parse(payload)
        if (date !== undefined) return date
      }
      return fail(`${describeValue(payload)} does not match any date format (tried: ${list})`)
    },
    format: (date: Date): string => formatWith(first, date)
  }
}

const DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const UNITS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, millis: 1 } as const

const parseDuration = (payload: unknown): Duration.Duration => {
  if (typeof payload === "string") {
    const m = DURATION.exec(payload)
    if (m !== null && payload !== "P" && !payload.endsWith("T")) {
      const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((part) => Number(part ?? 0)) as [number, number, number, number]
      return Duration.millis(d * UNITS.days + h * UNITS.hours + min * UNITS.minutes + s * UNITS.seconds)
    }
    return fail(`${expected("an ISO 8601 duration such as P1DT5M or PT30S", payload)}`)
  }
  if (isRecord(payload)) {
    let total = 0
    for (const [key, value] of Object.entries(payload)) {
      const unit = UNITS[key as keyof typeof UNITS]
      if (unit === undefined) return fail(`unknown duration unit '${key}' (expected one of: ${Object.keys(UNITS).join(", ")})`)
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return fail(`${key}: ${expected("a number >= 0", value)}`)
      total += value * unit
    }
    return Duration.millis(total)
  }
  return mismatch("an ISO 8601 duration string", payload)
}

const formatDuration = (value: unknown): string => {
  if (!Duration.isDuration(value)) return mismatch("a Duration", value)
  const millis = Duration.toMillis(value)
  if (!Number.isFinite(millis)) return fail("an infinite duration cannot be written as ISO 8601")
  const days = Math.floor(millis / UNITS.days)
  const hours = Math.floor((millis % UNITS.days) / UNITS.hours)
  const minutes = Math.floor((millis % UNITS.hours) / UNITS.minutes)
  const seconds = (millis % UNITS.minutes) / 1000
  const time = `${hours > 0 ? `${hours}H` : ""}${minutes > 0 ? `${minutes}M` : ""}${seconds > 0 ? `${seconds}S` : ""}`
  return `P${days > 0 ? `${days}D` : ""}${time === "" ? (days > 0 ? "" : "T0S") : `T${time}`}`
}

/**
 * @since 0.1.0
 * @category converters
 */
export const dates: Converter = {
  name: "dates",
  compile: (ast, compiler): Plan | undefined => {
    const id = representationId(ast)
    if (id === "effect/schema/Duration") return { label: "Duration", decode: parseDuration, encode: formatDuration }
    if (id !== "effect/schema/Date" && id !== "effect/schema/DateTimeUtc") return undefined
    const codec = dateCodec(compiler.setting("DateFormat", ast)?.formats ?? [ISO_8601])
    if (id === "effect/schema/Date") {
      return {
        label: "Date",
        decode: codec.parse,
        encode: (value) => value instanceof Date && !Number.isNaN(value.getTime()) ? codec.format(value) : mismatch("a valid Date", value)
      }
    }
    return {
      label: "DateTime.Utc",
      decode: (payload) => DateTime.isDateTime(payload) ? payload : DateTime.fromDateUnsafe(codec.parse(payload)),
      encode: (value) => DateTime.isDateTime(value) ? codec.format(DateTime.toDateUtc(value)) : mismatch("a DateTime", value)
    }
  }
}
