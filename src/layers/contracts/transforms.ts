/**
 * PII transforms, applied after validation on a copy of the event (the
 * caller's value is never changed): `redact` -> `<REDACTED>`, `drop` -> key
 * removed, `mask` -> `****` (or, `format_preserving`, each ASCII digit and
 * letter replaced by a pseudo-random one of its class), `hash` ->
 * `hmac-sha256:` + hex HMAC-SHA256 keyed by the contract's salt.
 *
 * Unlike the reference engine (top-level only), transforms on nested fields
 * and array items are applied too: a contract that marks `user.email` as PII
 * means it. Values that are absent or not strings are kept as sent.
 *
 * Only the objects on a transformed path are copied; the rest is shared.
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { createHmac } from "node:crypto"
import type { Contract, FieldDefinition, Transform } from "../../services/Contracts.ts"

/** One step of a path to a transformed field: a key, or every item of an array. */
type Step = string | typeof EACH

const EACH = Symbol("each item")
const DROP = Symbol("drop")

interface Plan {
  readonly steps: ReadonlyArray<Step>
  readonly apply: (value: string) => string | typeof DROP
}

/**
 * Every transformed field of a contract, with its dotted path.
 *
 * @since 0.1.0
 * @category transforms
 */
export const transformedFields = (
  fields: ReadonlyArray<FieldDefinition>,
  base = ""
): Array<{ readonly path: string; readonly steps: ReadonlyArray<Step>; readonly field: FieldDefinition; readonly transform: Transform }> => {
  const out: ReturnType<typeof transformedFields> = []
  const visit = (field: FieldDefinition, path: string, steps: ReadonlyArray<Step>): void => {
    if (field.transform !== undefined) out.push({ path, steps, field, transform: field.transform })
    if (field.type === "object") for (const child of field.properties ?? []) visit(child, `${path}.${child.name}`, [...steps, child.name])
    if (field.type === "array" && field.items !== undefined) visit(field.items, `${path}[]`, [...steps, EACH])
  }
  for (const field of fields) visit(field, base === "" ? field.name : `${base}.${field.name}`, [field.name])
  return out
}

const hmac = (salt: Uint8Array, text: string) => createHmac("sha256", salt).update(text, "utf8").digest()

/** sfc32: a small, fast PRNG; seeded from an HMAC so the mask is stable per salt and field. */
const sfc32 = (seed: Uint8Array) => {
  const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength)
  let a = view.getUint32(0), b = view.getUint32(4), c = view.getUint32(8), d = view.getUint32(12)
  return (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
}

const DIGITS = "0123456789"
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const LOWER = "abcdefghijklmnopqrstuvwxyz"

const formatPreserving = (seed: Uint8Array) => (value: string): string => {
  const next = sfc32(seed)
  let out = ""
  for (const char of value) {
    const pool = char >= "0" && char <= "9" ? DIGITS : char >= "A" && char <= "Z" ? UPPER : char >= "a" && char <= "z" ? LOWER : undefined
    out += pool === undefined ? char : pool[Math.floor(next() * pool.length)]!
  }
  return out
}

/**
 * Whether a transform needs the contract's salt.
 *
 * @since 0.1.0
 * @category transforms
 */
export const needsSalt = (transform: Transform): boolean =>
  transform.kind === "hash" || (transform.kind === "mask" && transform.style === "format_preserving")

const leafOf = (transform: Transform, path: string, salt: Redacted.Redacted<Uint8Array> | undefined): Plan["apply"] => {
  switch (transform.kind) {
    case "redact":
      return () => "<REDACTED>"
    case "drop":
      return () => DROP
    case "hash": {
      const key = Redacted.value(salt!)
      return (value) => `hmac-sha256:${hmac(key, value).toString("hex")}`
    }
    case "mask":
      return transform.style === "format_preserving" ? formatPreserving(hmac(Redacted.value(salt!), path)) : () => "****"
  }
}

const applyAt = (value: unknown, steps: ReadonlyArray<Step>, index: number, leaf: Plan["apply"]): unknown => {
  if (index === steps.length) return typeof value === "string" ? leaf(value) : value
  const step = steps[index]!
  if (step === EACH) {
    if (!Array.isArray(value)) return value
    return value.map((item) => applyAt(item, steps, index + 1, leaf)).filter((item) => item !== DROP)
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || !Object.hasOwn(value, step)) return value
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  const result = applyAt(copy[step], steps, index + 1, leaf)
  if (result === DROP) delete copy[step]
  else copy[step] = result
  return copy
}

/**
 * The transform of a contract: PII transforms on every declared path and,
 * in compliance mode, undeclared top-level keys removed. The salt must be
 * given when a transform needs it (checked by `compile`).
 *
 * @since 0.1.0
 * @category transforms
 */
export const makeTransform = (contract: Contract, salt: Redacted.Redacted<Uint8Array> | undefined) => {
  const plans: ReadonlyArray<Plan> = transformedFields(contract.ontology.entities).map(({ path, steps, transform }) => ({
    steps,
    apply: leafOf(transform, path, salt)
  }))
  const declared = contract.compliance_mode === true ? new Set(contract.ontology.entities.map((field) => field.name)) : undefined
  return (event: unknown): unknown => {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return event
    let out: unknown = event
    if (declared !== undefined) {
      const kept: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(event)) if (declared.has(key)) kept[key] = value
      out = kept
    }
    for (const plan of plans) out = applyAt(out, plan.steps, 0, plan.apply)
    return out
  }
}
