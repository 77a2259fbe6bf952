/**
 * The file work of the disk cache, as plain async functions (each cache
 * operation runs as one promise): paths, atomic writes, reads that drop
 * corrupt and expired files, and the in-memory LRU index behind `maxBytes`.
 *
 * Layout: `<directory>/<hh>/<sha256 of the key, hex>`, `hh` being the hash's
 * first two hex digits (256 subdirectories). A write goes to
 * `<hh>/.tmp-<name>-<pid>-<n>` and is renamed over the target.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { decodeEntry, decodeHead, HEADER_BYTES, withExpiry } from "./diskFormat.ts"
import type { DiskEntry } from "./diskFormat.ts"
import { codeOf } from "../../services/Errno.ts"

/**
 * An open cache directory. `index` maps file names to sizes, least recently
 * used first (a Map keeps insertion order; a use moves the name to the end).
 *
 * @since 0.1.0
 * @category models
 */
export interface DiskStore {
  readonly directory: string
  readonly maxBytes: number
  readonly index: Map<string, number>
  total: number
  readonly madeDirs: Set<string>
}

/** Leftover temporary files older than this are removed when a directory is opened. */
const STALE_TEMP_MS = 10 * 60 * 1000
/** The longest key (1024 UTF-8 bytes) fits in the first read of a delete. */
const HEAD_READ_BYTES = HEADER_BYTES + 1024
let tempCounter = 0


const ignoreMissing = (cause: unknown): undefined => {
  if (codeOf(cause) === "ENOENT") return undefined
  throw cause
}

/**
 * The file name of a key: the hex SHA-256 of its UTF-8 bytes.
 *
 * @since 0.1.0
 * @category paths
 */
export const nameOf = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

const pathOf = (store: DiskStore, name: string): string => join(store.directory, name.slice(0, 2), name)

const remember = (store: DiskStore, name: string, size: number): void => {
  store.total += size - (store.index.get(name) ?? 0)
  store.index.delete(name)
  store.index.set(name, size)
}

const forget = (store: DiskStore, name: string): void => {
  store.total -= store.index.get(name) ?? 0
  store.index.delete(name)
}

const removeFile = async (store: DiskStore, name: string): Promise<void> => {
  forget(store, name)
  await fsp.unlink(pathOf(store, name)).catch(ignoreMissing)
}

/**
 * Opens (creating it when missing) a cache directory and rebuilds the LRU
 * index from its files, oldest modification time first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const openStore = async (directory: string, maxBytes: number): Promise<DiskStore> => {
  await fsp.mkdir(directory, { recursive: true })
  const found: Array<{ readonly name: string; readonly size: number; readonly mtime: number }> = []
  const now = Date.now()
  for (const sub of await fsp.readdir(directory)) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue
    const subdir = join(directory, sub)
    const names = await fsp.readdir(subdir).catch(() => [] as Array<string>)
    for (const name of names) {
      const stats = await fsp.stat(join(subdir, name)).catch(ignoreMissing)
      if (stats === undefined || !stats.isFile()) continue
      if (name.startsWith(".tmp-")) {
        if (now - stats.mtimeMs > STALE_TEMP_MS) await fsp.unlink(join(subdir, name)).catch(ignoreMissing)
      } else if (/^[0-9a-f]{64}$/.test(name)) {
        found.push({ name, size: stats.size, mtime: stats.mtimeMs })
      }
    }
  }
  const store: DiskStore = { directory, maxBytes, index: new Map(), total: 0, madeDirs: new Set() }
  for (const file of found.toSorted((a, b) => a.mtime - b.mtime)) remember(store, file.name, file.size)
  await evict(store, "")
  return store
}

/** Removes least recently used files until the total fits, never `keep`. */
const evict = async (store: DiskStore, keep: string): Promise<void> => {
  const victims: Array<string> = []
  for (const [name, size] of store.index) {
    if (store.total <= store.maxBytes) break
    if (name === keep) continue
    store.total -= size
    victims.push(name)
  }
  for (const name of victims) store.index.delete(name)
  await Promise.all(victims.map((name) => fsp.unlink(pathOf(store, name)).catch(ignoreMissing)))
}

const isExpired = (expiresAt: number, now: number): boolean => expiresAt !== 0 && expiresAt <= now

/**
 * The live entry of `key` with the file's bytes, or undefined: a missing
 * file, another key's file (a hash collision), an expired entry and a corrupt
 * file are all misses; the last two are removed.
 *
 * @since 0.1.0
 * @category reading
 */
export const readEntry = async (
  store: DiskStore,
  key: string,
  now: number
): Promise<{ readonly entry: DiskEntry; readonly file: Buffer; readonly name: string } | undefined> => {
  const name = nameOf(key)
  const file = await fsp.readFile(pathOf(store, name)).catch(ignoreMissing)
  if (file === undefined) {
    forget(store, name)
    return undefined
  }
  const entry = decodeEntry(file)
  if (typeof entry === "string" || isExpired(entry.expiresAt, now)) {
    await removeFile(store, name)
    return undefined
  }
  if (entry.key !== key) return undefined
  remember(store, name, file.length)
  return { entry, file, name }
}

/**
 * Writes a file atomically (temporary file + rename) and evicts to fit.
 *
 * @since 0.1.0
 * @category writing
 */
export const writeFile = async (store: DiskStore, name: string, bytes: Uint8Array): Promise<void> => {
  const subdir = join(store.directory, name.slice(0, 2))
  if (!store.madeDirs.has(subdir)) {
    await fsp.mkdir(subdir, { recursive: true })
    store.madeDirs.add(subdir)
  }
  const temp = join(subdir, `.tmp-${name}-${process.pid}-${tempCounter++}`)
  try {
    await fsp.writeFile(temp, bytes)
    await fsp.rename(temp, pathOf(store, name))
  } catch (cause) {
    await fsp.unlink(temp).catch(() => undefined)
    // The subdirectory may have been removed under us: make it again next time.
    if (codeOf(cause) === "ENOENT") store.madeDirs.delete(subdir)
    throw cause
  }
  remember(store, name, bytes.byteLength)
  if (store.total > store.maxBytes) await evict(store, name)
}

/**
 * Removes the live entry of `key`; whether there was one (an expired or
 * corrupt file is removed too, but did not exist).
 *
 * @since 0.1.0
 * @category writing
 */
export const removeEntry = async (store: DiskStore, key: string, now: number): Promise<boolean> => {
  const name = nameOf(key)
  const handle = await fsp.open(pathOf(store, name), "r").catch(ignoreMissing)
  if (handle === undefined) {
    forget(store, name)
    return false
  }
  let head: ReturnType<typeof decodeHead>
  try {
    const buffer = Buffer.allocUnsafe(HEAD_READ_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, HEAD_READ_BYTES, 0)
    head = decodeHead(buffer.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
  if (typeof head !== "string" && head.key !== key) return false
  await removeFile(store, name)
  return typeof head !== "string" && !isExpired(head.expiresAt, now)
}

/**
 * Gives the live entry of `key` a new expiry (the file is rewritten
 * atomically); whether there was one.
 *
 * @since 0.1.0
 * @category writing
 */
export const touchEntry = async (store: DiskStore, key: string, now: number, expiresAt: number): Promise<boolean> => {
  const found = await readEntry(store, key, now)
  if (found === undefined) return false
  await writeFile(store, found.name, withExpiry(found.file, expiresAt))
  return true
}
