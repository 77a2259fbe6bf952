/**
 * Per-key request rate limit (a token bucket: `burst` tokens, refilled at
 * `requests_per_second`) and Idempotency-Key replay (same key and same body
 * within 24 h: the first response again; different body: a conflict).
 * Rate buckets live in memory (one gateway process, full again after a
 * restart); idempotency records are also written with the batch they
 * answer (`IdempotencyRecord`, see store.ts) and restored at start, so a
 * client retrying across a gateway restart still gets its first answer.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"

/**
 * @since 0.1.0
 * @category models
 */
export interface RateDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Unix seconds when the bucket is full again. */
  readonly reset: number
  readonly retryAfterMs: number
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeRateLimiter = (now: () => number = Date.now) => {
  const buckets = new Map<string, { tokens: number; at: number }>()
  return (key: string, perSecond: number, burst: number): RateDecision => {
    const time = now()
    const bucket = buckets.get(key) ?? { tokens: burst, at: time }
    bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * perSecond)
    bucket.at = time
    buckets.set(key, bucket)
    const allowed = bucket.tokens >= 1
    if (allowed) bucket.tokens -= 1
    const reset = Math.ceil((time + ((burst - bucket.tokens) / perSecond) * 1000) / 1000)
    const retryAfterMs = allowed ? 0 : Math.ceil(((1 - bucket.tokens) / perSecond) * 1000)
    return { allowed, limit: burst, remaining: Math.floor(bucket.tokens), reset, retryAfterMs }
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StoredResponse {
  readonly status: number
  readonly body: Uint8Array
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * One remembered answer, as stored (`key` is the API key name, contract and
 * Idempotency-Key; `expires_at` is an ISO time).
 *
 * @since 0.1.0
 * @category models
 */
export interface IdempotencyRecord {
  readonly key: string
  readonly body_sha256: string
  readonly status: number
  readonly body: string
  readonly expires_at: string
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeIdempotencyStore = (now: () => number = Date.now, restored: Iterable<IdempotencyRecord> = []) => {
  const entries = new Map<string, { readonly bodyHash: string; readonly response: StoredResponse; readonly expires: number }>()
  const sweep = (time: number) => {
    for (const [key, entry] of entries) if (entry.expires <= time) entries.delete(key)
  }
  const remember = (record: IdempotencyRecord): void => {
    const time = now()
    const expires = Date.parse(record.expires_at)
    if (!(expires > time)) return
    if (entries.size > 10_000) sweep(time)
    entries.set(record.key, { bodyHash: record.body_sha256, response: { status: record.status, body: encoder.encode(record.body) }, expires })
  }
  for (const record of restored) remember(record)
  return {
    /** The stored response for this key, "conflict" for another body, undefined when new. */
    lookup: (key: string, body: Uint8Array): StoredResponse | "conflict" | undefined => {
      const entry = entries.get(key)
      if (entry === undefined || entry.expires <= now()) return undefined
      return entry.bodyHash === hashBody(body) ? entry.response : "conflict"
    },
    /** The record of a first answer, valid for 24 h from now: to write with the batch, then `remember`. */
    record: (key: string, body: Uint8Array, response: StoredResponse): IdempotencyRecord => ({
      key,
      body_sha256: hashBody(body),
      status: response.status,
      // Text, so the stored row is readable JSON; also a copy, as the response's bytes go back to a pool once sent.
      body: decoder.decode(response.body),
      expires_at: new Date(now() + DAY_MS).toISOString()
    }),
    remember
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const hashBody = (body: Uint8Array) => createHash("sha256").update(body).digest("hex")
