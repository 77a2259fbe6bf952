/**
 * Small functions the generated validators call: string length in code
 * points, the calendar-date check, JSON equality for enums, dot-path lookup.
 *
 * @since 0.1.0
 */

/**
 * Length in Unicode code points (what a user counts as characters, and what
 * JSON Schema's `maxLength` counts), not UTF-16 units or UTF-8 bytes.
 *
 * @since 0.1.0
 * @category runtime
 */
export const codePoints = (text: string): number => {
  let count = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--
        i++
      }
    }
  }
  return count
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** The digit at `i` (0-9), or -1. */
const digit = (text: string, i: number): number => {
  const code = text.charCodeAt(i) - 48
  return code >= 0 && code <= 9 ? code : -1
}

/**
 * `YYYY-MM-DD` with zero padding and a real day of that month (leap years
 * included): `2024-02-29` passes, `2023-02-29` and `2026-1-5` fail.
 *
 * @since 0.1.0
 * @category runtime
 */
export const isCalendarDate = (text: string): boolean => {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false
  const y0 = digit(text, 0), y1 = digit(text, 1), y2 = digit(text, 2), y3 = digit(text, 3)
  const m0 = digit(text, 5), m1 = digit(text, 6), d0 = digit(text, 8), d1 = digit(text, 9)
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
  const month = m0 * 10 + m1
  const day = d0 * 10 + d1
  if (month < 1 || month > 12 || day < 1) return false
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))
  return day <= DAYS[month - 1]! + (leap ? 1 : 0)
}

/**
 * JSON value equality (objects by keys, arrays by order).
 *
 * @since 0.1.0
 * @category runtime
 */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const other = b as ReadonlyArray<unknown>
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]))
  }
  const left = Object.keys(a)
  const right = b as Record<string, unknown>
  return left.length === Object.keys(right).length &&
    left.every((key) => Object.hasOwn(right, key) && jsonEqual((a as Record<string, unknown>)[key], right[key]))
}

/**
 * The value at a dot path (`user.address.zip`) of an event, or undefined.
 *
 * @since 0.1.0
 * @category runtime
 */
export const valueAt = (event: unknown, path: ReadonlyArray<string>): unknown => {
  let current = event
  for (const key of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) {
      return undefined
    }
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
