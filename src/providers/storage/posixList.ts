/**
 * Listings of the POSIX provider: a lazy depth-first walk that yields files
 * in S3 byte order, one batch at a time.
 *
 * - Order: the entries of each directory are sorted with `compareKeys`, a
 *   directory sorting as `name/`, so `a-b/x` < `a.txt` < `a/b.txt`. Walking
 *   directories in that order yields every key in global S3 order.
 * - Prefix: a raw key prefix. The directory up to its last "/" is read and
 *   its entries filtered by the rest (`a/b` lists `a/b.txt` and `a/bc/d`).
 *   A missing directory lists nothing.
 * - Bounds: a directory is skipped only when no key below it can be in
 *   bounds: all of them sort before `startAfter` (it sorts before it and is
 *   not a prefix of it) or after `endAt`. (MSC prunes every directory whose
 *   bare name sorts before `startAfter`, which loses `a/b.txt` after
 *   `a.txt`; this does not.) The first key past `endAt` ends the walk.
 * - Laziness: one directory is read at a time; the files of a batch (up to
 *   256, never across a subdirectory) are stat'ed together.
 * - Temporary files of puts in flight are never listed. FIFOs, sockets and
 *   devices are skipped. Symlinks are followed when their target resolves
 *   inside the base (and, for directories, is not an ancestor: no cycles);
 *   the others, and dangling ones, are skipped.
 * - With `includeDirectories` the listing is one level deep: the
 *   subdirectories of the prefix's directory come back as `directory`
 *   entries (key without "/", their own mtime), merged with the files in key
 *   order. An empty subdirectory is listed too (the provider removes the
 *   directories that deletes leave empty).
 *
 * @since 0.1.0
 */
import type { Dirent } from "node:fs"
import * as fsp from "node:fs/promises"
import { compareKeys, StorageError } from "../../services/StorageProvider.ts"
import type { ListOptions, ObjectMetadata } from "../../services/StorageProvider.ts"
import { codeOf, fsError, isTempName, statPath } from "./posixFs.ts"
import { directoryMetadataOf, metadataOf } from "./posixMeta.ts"
import { isInside, pathOf, realBaseOf } from "./posixRoot.ts"
import type { PosixRoot } from "./posixRoot.ts"

const BATCH = 256

/** A stat'ed entry: its metadata, an error to raise in order, or nothing (gone, or not a file). */
type Stat = ObjectMetadata | StorageError | undefined

interface Entry {
  readonly name: string
  readonly isDir: boolean
  /** The name as it sorts: directories as `name/`. */
  readonly sortName: string
  /** For symlinked directories: where they lead. */
  readonly real: string | undefined
}

interface Child {
  readonly path: string
  /** The key prefix of the entries: "" or ending in "/". */
  readonly keyPrefix: string
  /** realpath of this directory (derived, not asked for, below a real parent). */
  readonly real: string
}

interface Frame extends Child {
  readonly entries: ReadonlyArray<Entry>
  index: number
}

/** `dir/name`, without doubling the slash of the root directory. */
const under = (dir: string, name: string): string => (dir === "/" ? `/${name}` : `${dir}/${name}`)

const byName = (a: Entry, b: Entry): number => compareKeys(a.sortName, b.sortName)

const missing = (cause: unknown): boolean => {
  const code = codeOf(cause)
  return code === "ENOENT" || code === "ENOTDIR"
}

/**
 * The entries of one directory, filtered and sorted. Symlinks are resolved
 * here, since whether they sort as a file or a directory depends on the
 * target.
 */
const readEntries = async (
  root: PosixRoot,
  path: string,
  keyPrefix: string,
  real: string,
  namePrefix: string
): Promise<ReadonlyArray<Entry>> => {
  const dirents: ReadonlyArray<Dirent> = await fsp.readdir(path, { withFileTypes: true }).catch((cause) => {
    // Removed while we walked: it has nothing left to list.
    if (missing(cause)) return []
    throw fsError(cause, "list", keyPrefix, path)
  })
  const entries: Array<Entry> = []
  const links: Array<Promise<Entry | undefined>> = []
  for (const dirent of dirents) {
    const name = dirent.name
    if (namePrefix !== "" && !name.startsWith(namePrefix)) continue
    if (isTempName(name)) continue
    if (dirent.isFile()) entries.push({ name, isDir: false, sortName: name, real: undefined })
    else if (dirent.isDirectory()) entries.push({ name, isDir: true, sortName: `${name}/`, real: undefined })
    else if (dirent.isSymbolicLink()) links.push(resolveLink(root, under(path, name), name, real))
  }
  if (links.length > 0) {
    for (const entry of await Promise.all(links)) if (entry !== undefined) entries.push(entry)
  }
  return entries.toSorted(byName)
}

const resolveLink = async (root: PosixRoot, path: string, name: string, parentReal: string): Promise<Entry | undefined> => {
  const [target, stats] = await Promise.all([fsp.realpath(path), fsp.stat(path)]).catch(() => [undefined, undefined])
  if (target === undefined || stats === undefined) return undefined // dangling or unreadable
  if (!isInside(await realBaseOf(root), target)) return undefined
  if (stats.isFile()) return { name, isDir: false, sortName: name, real: undefined }
  if (!stats.isDirectory()) return undefined
  // A link to this directory or one of its ancestors would never end.
  if (isInside(target, parentReal)) return undefined
  return { name, isDir: true, sortName: `${name}/`, real: target }
}

/**
 * A listing as a function that returns the next non-empty batch, or
 * `undefined` at the end. Errors are raw errno errors or `StorageError`s.
 *
 * @since 0.1.0
 * @category listing
 */
export const makeLister = (root: PosixRoot, options: ListOptions): () => Promise<ReadonlyArray<ObjectMetadata> | undefined> => {
  const prefix = options.prefix ?? ""
  const { endAt, startAfter } = options
  const oneLevel = options.includeDirectories === true
  const slash = prefix.lastIndexOf("/")
  const dirKey = prefix.slice(0, slash + 1)
  const namePrefix = prefix.slice(slash + 1)
  const stack: Array<Frame> = []
  let started = false
  let finished = false

  /** No key below the directory `dir` ("…/") can be after `startAfter`. */
  const allBeforeStart = (dir: string): boolean =>
    startAfter !== undefined && compareKeys(dir, startAfter) < 0 && !startAfter.startsWith(dir)

  const start = async (): Promise<void> => {
    const path = dirKey === "" ? root.base : pathOf(root, dirKey.slice(0, -1))
    const real = await fsp.realpath(path).catch((cause) => {
      if (missing(cause)) return undefined
      throw cause
    })
    if (real === undefined || !isInside(await realBaseOf(root), real)) return
    stack.push({ path, keyPrefix: dirKey, real, entries: await readEntries(root, path, dirKey, real, namePrefix), index: 0 })
  }

  // These never reject: a run's promises may wait for one another (an
  // unobserved rejection would be reported as unhandled meanwhile).
  const statFile = (frame: Frame, entry: Entry): Promise<Stat> =>
    statPath(under(frame.path, entry.name)).then(
      (stats) => (stats.isFile() ? metadataOf(frame.keyPrefix + entry.name, stats) : undefined),
      // Deleted while we walked: skipped.
      (cause) => (missing(cause) ? undefined : fsError(cause, "list", frame.keyPrefix + entry.name, under(frame.path, entry.name)))
    )

  const statDir = (frame: Frame, entry: Entry): Promise<Stat> =>
    statPath(under(frame.path, entry.name)).then(
      (stats) => directoryMetadataOf(frame.keyPrefix + entry.name, stats),
      (cause) => (missing(cause) ? undefined : directoryMetadataOf(frame.keyPrefix + entry.name, undefined))
    )

  /** Whether some key below the directory `key` lies within the bounds. */
  const hasKeyInBounds = async (key: string): Promise<boolean> =>
    (await makeLister(root, { prefix: `${key}/`, startAfter, endAt })()) !== undefined

  // The next sibling directory is read while the current one is stat'ed,
  // which keeps the thread pool busy between directories (one read ahead
  // per level at most).
  const prefetched = new Map<string, Promise<ReadonlyArray<Entry> | { readonly failed: unknown }>>()

  const childOf = (frame: Frame, entry: Entry): Child => ({
    path: under(frame.path, entry.name),
    keyPrefix: `${frame.keyPrefix}${entry.name}/`,
    real: entry.real ?? under(frame.real, entry.name)
  })

  const entriesOf = async (child: Child): Promise<ReadonlyArray<Entry>> => {
    const early = prefetched.get(child.path)
    if (early === undefined) return readEntries(root, child.path, child.keyPrefix, child.real, "")
    prefetched.delete(child.path)
    const listing = await early
    if ("failed" in listing) throw listing.failed
    return listing
  }

  const prefetchNextDir = (frame: Frame): void => {
    for (let i = frame.index; i < frame.entries.length; i++) {
      const entry = frame.entries[i]!
      if (!entry.isDir) continue
      const child = childOf(frame, entry)
      if (endAt !== undefined && compareKeys(child.keyPrefix, endAt) > 0) return
      if (!prefetched.has(child.path)) {
        // Settles into a value: it may be awaited later, or never.
        prefetched.set(
          child.path,
          readEntries(root, child.path, child.keyPrefix, child.real, "").then((entries) => entries, (failed: unknown) => ({ failed }))
        )
      }
      return
    }
  }

  /** Picks the next run of entries to stat; `undefined` when the walk is over. */
  const nextRun = async (): Promise<Array<Promise<Stat>> | undefined> => {
    const run: Array<Promise<Stat>> = []
    while (stack.length > 0 && run.length < BATCH) {
      const frame = stack[stack.length - 1]!
      const entry = frame.entries[frame.index]
      if (entry === undefined) {
        stack.pop()
        if (run.length > 0) break
        continue
      }
      const key = frame.keyPrefix + entry.name
      if (!entry.isDir) {
        frame.index++
        if (startAfter !== undefined && compareKeys(key, startAfter) <= 0) continue
        if (endAt !== undefined && compareKeys(key, endAt) > 0) return finish(run)
        run.push(statFile(frame, entry))
        continue
      }
      const dir = `${key}/`
      if (endAt !== undefined && compareKeys(dir, endAt) > 0) return finish(run)
      if (allBeforeStart(dir)) {
        frame.index++
        continue
      }
      if (oneLevel) {
        frame.index++
        const ambiguous = (startAfter !== undefined && startAfter.startsWith(dir)) ||
          (endAt !== undefined && endAt.startsWith(dir))
        if (!ambiguous || (await hasKeyInBounds(key))) run.push(statDir(frame, entry))
        continue
      }
      // Files before the directory go out first.
      if (run.length > 0) break
      frame.index++
      const child = childOf(frame, entry)
      prefetchNextDir(frame)
      stack.push({ ...child, entries: await entriesOf(child), index: 0 })
    }
    return run.length > 0 || stack.length > 0 ? run : finish(run)
  }

  const finish = (run: Array<Promise<Stat>>) => {
    finished = true
    stack.length = 0
    return run.length > 0 ? run : undefined
  }

  return async () => {
    if (!started) {
      started = true
      await start()
    }
    for (;;) {
      if (finished) return undefined
      const run = await nextRun()
      if (run === undefined) return undefined
      const batch: Array<ObjectMetadata> = []
      for (const entry of await Promise.all(run)) {
        if (entry instanceof StorageError) throw entry
        if (entry !== undefined) batch.push(entry)
      }
      if (batch.length > 0) return batch
    }
  }
}
