/**
 * A growable byte buffer for JSON text assembled from pieces: constant parts
 * encoded once, byte ranges copied from a request body, short strings written
 * in place. The ingest path builds its response and JSON Lines rows this way:
 * no string ropes to flatten, no second pass to encode them as UTF-8.
 *
 * @since 0.1.0
 */
import { writeUuid } from "./uuid.ts"

/**
 * A string as UTF-8 bytes, for the constant parts written many times.
 *
 * @since 0.1.0
 * @category constructors
 */
export const utf8 = (text: string): Buffer => Buffer.from(text, "utf8")

/**
 * Buffers handed back once their bytes have been consumed, for later
 * writers. A batch's rows are about a megabyte outside the JS heap, and V8
 * answers that much fresh external memory with full collections.
 *
 * @since 0.1.0
 * @category models
 */
export class BufferPool {
  private readonly free: Array<Buffer> = []
  private readonly keep: number
  constructor(keep: number) {
    this.keep = keep
  }

  /**
   * The smallest free buffer of at least `size` bytes (so that a small request
   * does not take a large buffer a later one needs), else a new one rounded up
   * to a power of two so that it fits later batches too.
   */
  take(size: number): Buffer {
    let best = -1
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i]!.length
      if (length >= size && (best === -1 || length < this.free[best]!.length)) best = i
    }
    if (best !== -1) return this.free.splice(best, 1)[0]!
    return Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(Math.max(size, 4096))))
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer)
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export class ByteWriter {
  private buffer: Buffer
  private length = 0
  private readonly pool: BufferPool | undefined

  /** `capacity`: the expected size, so that the buffer rarely grows; `pool`: where the buffer comes from and goes back to. */
  constructor(capacity: number, pool?: BufferPool) {
    this.pool = pool
    this.buffer = pool === undefined ? Buffer.allocUnsafe(Math.max(capacity, 256)) : pool.take(capacity)
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }

  /** All of `data`; returns where it starts (for `uuidAt` into a template's slots). */
  bytes(data: Uint8Array): number {
    this.reserve(data.byteLength)
    const at = this.length
    this.buffer.set(data, at)
    this.length += data.byteLength
    return at
  }

  /** The bytes of `data` from `start` to `end` (a copy in native code, without a view object). */
  range(data: Buffer, start: number, end: number): void {
    this.reserve(end - start)
    this.length += data.copy(this.buffer, this.length, start, end)
  }

  /** A string as UTF-8 (native code: faster than a loop in JavaScript even for a UUID). */
  text(value: string): void {
    this.reserve(value.length * 3)
    this.length += this.buffer.write(value, this.length, "utf8")
  }

  /** A non-negative integer in decimal, digit by digit (no string to make and encode). */
  integer(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) return this.text(String(value))
    let digits = 1
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++
    this.reserve(digits)
    let at = this.length + digits
    let rest = value
    do {
      this.buffer[--at] = 48 + (rest % 10)
      rest = Math.floor(rest / 10)
    } while (rest > 0)
    this.length += digits
  }

  /** UUID number `index` of `random` (see `uuid.ts`). */
  uuid(random: Uint8Array, index: number): void {
    this.reserve(36)
    writeUuid(random, index, this.buffer, this.length)
    this.length += 36
  }

  /** UUID number `index` of `random` over 36 bytes already written at `at` (a template's slot). */
  uuidAt(at: number, random: Uint8Array, index: number): void {
    if (at < 0 || at + 36 > this.length) throw new RangeError(`No 36 written bytes at ${at} to write a UUID over (${this.length} written)`)
    writeUuid(random, index, this.buffer, at)
  }

  /**
   * The bytes written so far: a view (the writer must not be used afterwards),
   * and a plain `Uint8Array`, whose `slice()` copies, where a `Buffer`'s would
   * share memory that goes back to the pool.
   */
  done(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.length)
  }

  /** Gives the buffer back to the pool: only once nothing reads the bytes of `done()` any more. */
  release(): void {
    this.pool?.give(this.buffer)
  }
}
