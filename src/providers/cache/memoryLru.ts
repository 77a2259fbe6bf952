/**
 * The store of the memory cache: a `Map` from key to entry for lookup, and a
 * doubly linked list through the entries in recency order (least recently
 * used at the head) for O(1) bumps and evictions. Bounded by entry count and
 * by total value bytes. Not thread-safe and not Effect-aware: the provider
 * calls it from inside one effect at a time.
 *
 * @since 0.1.0
 */
import type { Clock } from "effect"

/**
 * One cached value.
 *
 * @since 0.1.0
 * @category models
 */
export interface LruEntry {
  readonly key: string
  value: Uint8Array
  /** Unix millis; `Infinity` for no TTL. */
  expiresAt: number
  prev: LruEntry | undefined
  next: LruEntry | undefined
}

/**
 * An LRU map of byte values with expiry times.
 *
 * @since 0.1.0
 * @category models
 */
export class Lru {
  readonly #entries = new Map<string, LruEntry>()
  #head: LruEntry | undefined = undefined
  #tail: LruEntry | undefined = undefined
  #bytes = 0
  readonly #maxEntries: number
  readonly #maxBytes: number

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries
    this.#maxBytes = maxBytes
  }

  /** Entries held, expired ones not yet removed included. */
  get size(): number {
    return this.#entries.size
  }

  /** Value bytes held. */
  get bytes(): number {
    return this.#bytes
  }

  /** The live entry of `key`, made the most recently used; an expired one is removed. */
  live(key: string, clock: Clock.Clock): LruEntry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt !== Infinity && entry.expiresAt <= clock.currentTimeMillisUnsafe()) {
      this.remove(entry)
      return undefined
    }
    if (entry !== this.#tail) {
      this.#unlink(entry)
      this.#append(entry)
    }
    return entry
  }

  /** Stores `value` (as given: the caller copies) as the most recently used, then evicts down to the bounds. */
  set(key: string, value: Uint8Array, expiresAt: number): void {
    const old = this.#entries.get(key)
    if (old === undefined) {
      const entry: LruEntry = { key, value, expiresAt, prev: undefined, next: undefined }
      this.#entries.set(key, entry)
      this.#append(entry)
    } else {
      // Replaced in place: no map update, only a bump.
      this.#bytes -= old.value.byteLength
      old.value = value
      old.expiresAt = expiresAt
      if (old !== this.#tail) {
        this.#unlink(old)
        this.#append(old)
      }
    }
    this.#bytes += value.byteLength
    while (this.#head !== undefined && (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes)) {
      this.remove(this.#head)
    }
  }

  remove(entry: LruEntry): void {
    this.#entries.delete(entry.key)
    this.#unlink(entry)
    this.#bytes -= entry.value.byteLength
  }

  #unlink(entry: LruEntry): void {
    const { next, prev } = entry
    if (prev === undefined) this.#head = next
    else prev.next = next
    if (next === undefined) this.#tail = prev
    else next.prev = prev
    entry.prev = undefined
    entry.next = undefined
  }

  #append(entry: LruEntry): void {
    entry.prev = this.#tail
    if (this.#tail === undefined) this.#head = entry
    else this.#tail.next = entry
    this.#tail = entry
  }
}
