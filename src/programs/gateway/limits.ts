/**
 * Per-key request rate limit (a token bucket: `burst` tokens, refilled at
 * `requests_per_second`) and Idempotency-Key replay (same key and same body
 * within 24 h: the first response again; different body: a conflict).
 * Both live in memory: one gateway process, reset on restart (documented).
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
 * @since 0.1.0
 * @category constructors
 */
export const makeIdempotencyStore = (now: () => number = Date.now) => {
  const entries = new Map<string, { readonly bodyHash: string; readonly response: StoredResponse; readonly expires: number }>()
  const sweep = (time: number) => {
    for (const [key, entry] of entries) if (entry.expires <= time) entries.delete(key)
  }
  return {
    /** The stored response for this key, "conflict" for another body, undefined when new. */
    lookup: (key: string, body: Uint8Array): StoredResponse | "conflict" | undefined => {
      const entry = entries.get(key)
      if (entry === undefined || entry.expires <= now()) return undefined
      return entry.bodyHash === hashBody(body) ? entry.response : "conflict"
    },
    remember: (key: string, body: Uint8Array, response: StoredResponse): void => {
      const time = now()
      if (entries.size > 10_000) sweep(time)
      entries.set(key, { bodyHash: hashBody(body), response, expires: time + DAY_MS })
    }
  }
}

const hashBody = (body: Uint8Array) => createHash("sha256").update(body).digest("hex")
