/**
 * Whole-number `OTEL_*` variables, read as the SDK reads them: trimmed,
 * empty means unset, anything else that is not a whole number of at least
 * `least` is ignored with one warning line.
 *
 * @since 0.1.0
 */

/**
 * The variable's value, or `undefined` when it is unset or invalid (then
 * `warn` is told why).
 *
 * @since 0.1.0
 * @category parsing
 */
export const wholeNumberVariable = (
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
  name: string,
  least: number,
  unit?: string
): number | undefined => {
  const text = env[name]?.trim() ?? ""
  if (text === "") return undefined
  const value = Number(text)
  if (Number.isSafeInteger(value) && value >= least) return value
  const what = unit === undefined ? "a whole number" : `a whole number of ${unit}`
  warn(`ignoring ${name}=${JSON.stringify(env[name])}: expected ${what}, ${least} or more`)
  return undefined
}
