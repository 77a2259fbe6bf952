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

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/**
 * `YYYY-MM-DD` with zero padding and a real day of that month (leap years
 * included): `2024-02-29` passes, `2023-02-29` and `2026-1-5` fail.
 *
 * @since 0.1.0
 * @category runtime
 */
export const isCalendarDate = (text: string): boolean => {
  const match = DATE.exec(text)
  if (match === null) return false
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
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
