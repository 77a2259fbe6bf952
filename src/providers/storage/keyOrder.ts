/**
 * Puts a listing that a backend returns in UTF-16 code unit order (what
 * Azurite does: a JavaScript sort) into S3 byte order (`compareKeys`).
 *
 * The two orders disagree only where one key has a surrogate (a character
 * above U+FFFF, such as an emoji) and another has U+E000..U+FFFF at the same
 * position after a common prefix: UTF-16 puts the surrogate first, UTF-8 last.
 * So a key is held back only when it has a surrogate, and only until the
 * listing has moved past the prefix before its first surrogate; every other
 * key passes straight through (in practice nothing is held). A directory full
 * of names that start with an emoji is held whole until the listing leaves it.
 *
 * @since 0.1.0
 */
import { Stream } from "effect"
import { compareKeys } from "../../services/StorageProvider.ts"

const firstSurrogate = (key: string): number => {
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdfff) return i
  }
  return -1
}

interface Held<A> {
  readonly item: A
  readonly key: string
  /** The prefix the listing must leave before this key may go; undefined: may go now. */
  readonly until: string | undefined
}

/** Inserts into an array sorted by `compareKeys`, after equal keys. */
const insert = <A>(held: Array<Held<A>>, entry: Held<A>): void => {
  let lo = 0
  let hi = held.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeys(held[mid]!.key, entry.key) <= 0) lo = mid + 1
    else hi = mid
  }
  held.splice(lo, 0, entry)
}

/**
 * The items of a stream sorted by UTF-16 units of `keyOf`, re-emitted in
 * S3 byte order.
 *
 * @since 0.1.0
 * @category ordering
 */
export const inByteOrder = <A, E, R>(stream: Stream.Stream<A, E, R>, keyOf: (item: A) => string): Stream.Stream<A, E, R> =>
  Stream.mapAccum(
    stream,
    (): Array<Held<A>> => [],
    (held, item) => {
      const key = keyOf(item)
      const at = firstSurrogate(key)
      if (at < 0 && held.length === 0) return [held, [item]] as const
      insert(held, { item, key, until: at < 0 ? undefined : key.slice(0, at) })
      let ready = 0
      while (ready < held.length && (held[ready]!.until === undefined || !key.startsWith(held[ready]!.until!))) ready++
      return [held, held.splice(0, ready).map((entry) => entry.item)] as const
    },
    { onHalt: (held) => held.map((entry) => entry.item) }
  )
