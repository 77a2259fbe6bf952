/**
 * A small protobuf wire-format writer for the OTLP span encoder
 * (`otlpSpanEncoder.ts`): one growable buffer, reused batch after batch, and
 * nested messages written in place (a length-delimited field reserves the
 * bytes its length will most likely need and moves its body when it needs
 * another number), so encoding a span allocates nothing. Short ASCII strings
 * are copied by a loop: cheaper than a call into the encoder for the keys,
 * names and ids a span is made of.
 *
 * @since 0.1.0
 */

/** Wire types. */
export const VARINT = 0
export const FIXED64 = 1
export const LEN = 2
export const FIXED32 = 5

/** Recurring strings kept encoded by `name`. */
const NAMES_KEPT = 1024

/** Strings up to this length are tried as ASCII by a loop first. */
const SHORT_STRING = 64

/** Nibble values of the ASCII hex digits (0 elsewhere: ids are checked where they are made). */
const NIBBLE = new Uint8Array(128)
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i
  NIBBLE[97 + i] = 10 + i
}

/**
 * Bytes of `value` as a varint.
 *
 * @since 0.1.0
 * @category encoding
 */
export const varintSize = (value: number): number => {
  let size = 1
  while (value > 127) {
    value = Math.floor(value / 128)
    size++
  }
  return size
}

/**
 * @since 0.1.0
 * @category models
 */
export class ProtobufWriter {
  buffer: Buffer
  private view: DataView
  pos = 0
  private readonly names = new Map<string, Uint8Array>()

  constructor(initialSize = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize)
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength)
  }

  /** Room for `bytes` more bytes. */
  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + bytes))
    this.buffer.copy(grown, 0, 0, this.pos)
    this.buffer = grown
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength)
  }

  /** A field's key. */
  tag(field: number, wireType: number): void {
    const key = field * 8 + wireType
    if (key > 127) return this.varint(key)
    this.ensure(1)
    this.buffer[this.pos++] = key
  }

  /** A non-negative integer up to 2^53. */
  varint(value: number): void {
    this.ensure(10)
    this.pos = this.putVarint(this.pos, value)
  }

  /** Writes `value` as a varint at `pos` (room already made); returns the position after it. */
  private putVarint(pos: number, value: number): number {
    const buffer = this.buffer
    while (value > 127) {
      buffer[pos++] = (value % 128) | 128
      value = Math.floor(value / 128)
    }
    buffer[pos++] = value
    return pos
  }

  /** An `int64` (negative numbers take ten bytes, as two's complement). */
  int64(value: number): void {
    if (value >= 0) return this.varint(value)
    this.ensure(10)
    let rest = BigInt.asUintN(64, BigInt(value))
    for (let i = 0; i < 9; i++) {
      this.buffer[this.pos++] = Number(rest & 127n) | 128
      rest >>= 7n
    }
    this.buffer[this.pos++] = Number(rest)
  }

  fixed32(value: number): void {
    this.ensure(4)
    this.view.setUint32(this.pos, value >>> 0, true)
    this.pos += 4
  }

  /** Nanoseconds since the epoch, or any unsigned 64-bit value. */
  fixed64(value: bigint): void {
    this.ensure(8)
    this.view.setBigUint64(this.pos, value, true)
    this.pos += 8
  }

  double(value: number): void {
    this.ensure(8)
    this.view.setFloat64(this.pos, value, true)
    this.pos += 8
  }

  /** A length-prefixed UTF-8 string. */
  string(value: string): void {
    const length = value.length
    if (length <= SHORT_STRING) {
      this.ensure(1 + length)
      const buffer = this.buffer
      const start = this.pos + 1
      let i = 0
      for (; i < length; i++) {
        const code = value.charCodeAt(i)
        if (code > 127) break
        buffer[start + i] = code
      }
      if (i === length) {
        buffer[this.pos] = length
        this.pos = start + length
        return
      }
    }
    const most = length * 3
    const reserved = varintSize(most)
    this.ensure(reserved + most)
    const start = this.pos + reserved
    const written = this.buffer.write(value, start, "utf8")
    this.finishLength(this.pos, reserved, written)
  }

  /**
   * A string that recurs (attribute keys, span names): its encoding, length
   * included, is kept after first use (up to `NAMES_KEPT` strings) and copied.
   */
  name(value: string): void {
    let bytes = this.names.get(value)
    if (bytes === undefined) {
      const start = this.pos
      this.string(value)
      if (this.names.size >= NAMES_KEPT) return
      bytes = Uint8Array.prototype.slice.call(this.buffer, start, this.pos)
      this.names.set(value, bytes)
      return
    }
    const length = bytes.length
    this.ensure(length)
    const buffer = this.buffer
    const pos = this.pos
    for (let i = 0; i < length; i++) buffer[pos + i] = bytes[i]!
    this.pos = pos + length
  }

  /** Bytes spelled as hex digits (trace and span ids), length-prefixed. */
  hexBytes(hex: string): void {
    const length = hex.length >> 1
    this.ensure(1 + length)
    const buffer = this.buffer
    buffer[this.pos++] = length
    for (let i = 0; i < length; i++) {
      buffer[this.pos++] = (NIBBLE[hex.charCodeAt(2 * i) & 127]! << 4) | NIBBLE[hex.charCodeAt(2 * i + 1) & 127]!
    }
  }

  /** Copies bytes as they are (already encoded fields). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.byteLength)
    this.buffer.set(bytes, this.pos)
    this.pos += bytes.byteLength
  }

  /**
   * Starts a length-delimited field's body, reserving `reserved` bytes for
   * its length (1 for bodies under 128 bytes, 2 under 16 KiB); `end` with the
   * same numbers.
   */
  begin(reserved = 1): number {
    this.ensure(reserved)
    const mark = this.pos
    this.pos += reserved
    return mark
  }

  end(mark: number, reserved = 1): void {
    this.finishLength(mark, reserved, this.pos - mark - reserved)
  }

  /** Writes the length of the `length` bytes that follow `reserved` bytes at `mark`, moving them if it takes another number of bytes. */
  private finishLength(mark: number, reserved: number, length: number): void {
    const size = varintSize(length)
    const bodyStart = mark + reserved
    if (size > reserved) this.ensure(size - reserved)
    if (size !== reserved) this.buffer.copyWithin(mark + size, bodyStart, bodyStart + length)
    this.putVarint(mark, length)
    this.pos = mark + size + length
  }

  /** The bytes written so far, copied, and the writer emptied for reuse. */
  take(): Uint8Array {
    const bytes = Uint8Array.prototype.slice.call(this.buffer, 0, this.pos)
    this.pos = 0
    return bytes
  }
}

/**
 * The bytes of what `write` writes, as a standalone copy (for constant
 * fields encoded once).
 *
 * @since 0.1.0
 * @category constructors
 */
export const encoded = (write: (writer: ProtobufWriter) => void): Uint8Array => {
  const writer = new ProtobufWriter(256)
  write(writer)
  return writer.take()
}
