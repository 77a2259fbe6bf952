/**
 * Writing one read-cache entry file as its content streams in: content at
 * its place after the header, block checksums on the way, the header last
 * (once the checksums are known). Used by a download into the cache and by
 * a read served while it is written into the cache.
 *
 * @since 0.1.0
 */
import * as fsp from "node:fs/promises"
import { BlockChecksummer, encodeHeader, headerSize } from "./entryFormat.ts"
import type { EntryContent } from "./entryFile.ts"

/**
 * An entry being written to a temporary file.
 *
 * @since 0.1.0
 * @category writing
 */
export interface EntryWriter {
  readonly temp: string
  /** Appends content. */
  readonly write: (bytes: Uint8Array) => Promise<void>
  /** Bytes of content written so far. */
  readonly written: () => number
  /** Writes the header, sets the entry's times to `nowMillis` and closes the file. */
  readonly complete: (nowMillis: number) => Promise<void>
  /** Closes and removes the file. */
  readonly abort: () => Promise<void>
}

/**
 * Creates the temporary file `temp` (which must not exist) for an entry of
 * the expected content.
 *
 * @since 0.1.0
 * @category writing
 */
export const openWriter = async (temp: string, expected: EntryContent): Promise<EntryWriter> => {
  const handle = await fsp.open(temp, "wx")
  const checksums = new BlockChecksummer()
  const start = headerSize(expected.key, expected.etag, expected.length)
  let written = 0
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await handle.close()
  }
  return {
    temp,
    write: async (bytes) => {
      checksums.update(bytes)
      await handle.write(bytes, 0, bytes.byteLength, start + written)
      written += bytes.byteLength
    },
    written: () => written,
    complete: async (nowMillis) => {
      const header = encodeHeader({ ...expected, blockSize: checksums.blockSize, blockChecksums: checksums.finish() })
      await handle.write(header, 0, header.length, 0)
      const now = new Date(nowMillis)
      await handle.utimes(now, now)
      await close()
    },
    abort: async () => {
      await close().catch(() => undefined)
      await fsp.unlink(temp).catch(() => undefined)
    }
  }
}
