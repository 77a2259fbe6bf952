/**
 * Object metadata of the POSIX provider: etags and metadata from `stat`.
 * Read preconditions and byte ranges live in `services/StorageRead.ts` and
 * are re-exported here.
 *
 * @since 0.1.0
 */
import type { BigIntStats } from "node:fs"
import type { ObjectMetadata } from "../../services/StorageProvider.ts"
import type { FileStamp } from "./posixCopyProtocol.ts"

/**
 * The etag of a file: inode, size and modification time in nanoseconds. An
 * overwrite always changes it: the new content is written to a new file
 * (created while the old one still exists, so its inode number differs)
 * and renamed over the old one; rename keeps the inode and mtime, so the
 * etag `put` computes before the rename is the one `head` sees after it.
 *
 * @since 0.1.0
 * @category metadata
 */
export const etagOf = (stats: FileStamp): string =>
  `${stats.ino.toString(16)}-${stats.size.toString(16)}-${stats.mtimeNs.toString(16)}`

/**
 * @since 0.1.0
 * @category metadata
 */
export const metadataOf = (key: string, stats: FileStamp): ObjectMetadata => ({
  key,
  contentLength: Number(stats.size),
  lastModified: new Date(Number(stats.mtimeMs)),
  type: "file",
  etag: etagOf(stats)
})

/**
 * @since 0.1.0
 * @category metadata
 */
export const directoryMetadataOf = (key: string, stats: BigIntStats | undefined): ObjectMetadata => ({
  key,
  contentLength: 0,
  lastModified: new Date(stats === undefined ? 0 : Number(stats.mtimeMs)),
  type: "directory"
})

export { byteBounds, checkRead, mismatch } from "../../services/StorageRead.ts"
