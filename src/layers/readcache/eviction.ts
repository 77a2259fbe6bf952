/**
 * Which cache entries go when the cache is over its size, as MSC decides
 * (pure functions: the store supplies the files and the random numbers).
 *
 * - `fifo`: oldest written first (modification time);
 * - `lru`: least recently read first (access time; the cache sets it on
 *   every hit, it does not rely on the mount's atime updates);
 * - `mru`: most recently read first;
 * - `random`: in random order, except that the newest written entry goes
 *   last (it is usually the one just admitted);
 * - `no_eviction`: nothing goes; new entries are not admitted while the
 *   cache is full.
 *
 * Eviction frees down to `size × (1 − purge_factor / 100)`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type EvictionPolicy = "fifo" | "lru" | "mru" | "random" | "no_eviction"

/**
 * One entry file as the store sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CachedFile {
  readonly path: string
  readonly size: number
  /** Last read, ms since the epoch. */
  readonly accessed: number
  /** Written, ms since the epoch. */
  readonly written: number
}

/**
 * The entries in the order a policy evicts them (`random` draws numbers in
 * [0, 1) from `random`).
 *
 * @since 0.1.0
 * @category eviction
 */
export const evictionOrder = (
  policy: EvictionPolicy,
  files: ReadonlyArray<CachedFile>,
  random: () => number
): ReadonlyArray<CachedFile> => {
  // Ties are broken by path, so the order never depends on directory order.
  const by = (time: (file: CachedFile) => number, direction: 1 | -1) => (a: CachedFile, b: CachedFile) =>
    direction * (time(a) - time(b)) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  switch (policy) {
    case "fifo":
      return files.toSorted(by((file) => file.written, 1))
    case "lru":
      return files.toSorted(by((file) => file.accessed, 1))
    case "mru":
      return files.toSorted(by((file) => file.accessed, -1))
    case "no_eviction":
      return []
    case "random": {
      const newestFirst = files.toSorted(by((file) => file.written, -1))
      const [newest, ...others] = newestFirst
      if (newest === undefined) return []
      // Fisher-Yates over the others.
      const shuffled = others.toSorted(by((file) => file.written, 1))
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
      }
      return [...shuffled, newest]
    }
  }
}

/**
 * The entries to remove so that `total` bytes fall to `target` or below:
 * the first ones in eviction order, none when already there.
 *
 * @since 0.1.0
 * @category eviction
 */
export const victims = (
  ordered: ReadonlyArray<CachedFile>,
  total: number,
  target: number
): ReadonlyArray<CachedFile> => {
  const chosen: Array<CachedFile> = []
  let left = total
  for (const file of ordered) {
    if (left <= target) break
    chosen.push(file)
    left -= file.size
  }
  return chosen
}

/**
 * The size eviction frees down to.
 *
 * @since 0.1.0
 * @category eviction
 */
export const purgeTarget = (maxBytes: number, purgeFactor: number): number =>
  Math.floor(maxBytes * (1 - purgeFactor / 100))
