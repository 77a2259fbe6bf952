/**
 * A growable byte buffer with CBOR's head encodings: the one place that
 * knows how a major type and an argument become bytes.
 *
 * @since 0.1.0
 */

const TEXT = new TextEncoder()

/**
 * @since 0.1.0
 * @category models
 */
export class CborWriter {
  private bytes = new Uint8Array(256)
  private view = new DataView(this.bytes.buffer)
  length = 0

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.byteLength) return
    let size = this.bytes.byteLength * 2
    while (size < this.length + extra) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.bytes.subarray(0, this.length))
    this.bytes = grown
    this.view = new DataView(grown.buffer)
  }

  byte(value: number): void {
    this.reserve(1)
    this.bytes[this.length++] = value
  }

  raw(data: Uint8Array): void {
    this.reserve(data.byteLength)
    this.bytes.set(data, this.length)
    this.length += data.byteLength
  }

  /** A head with the shortest argument encoding (RFC 8949 preferred serialization). */
  head(major: number, argument: number | bigint): void {
    const type = major << 5
    if (typeof argument === "bigint" || argument > 0xffff_ffff) {
      this.head64(major, BigInt(argument))
    } else if (argument < 24) {
      this.byte(type | argument)
    } else if (argument <= 0xff) {
      this.byte(type | 24)
      this.byte(argument)
    } else if (argument <= 0xffff) {
      this.reserve(3)
      this.bytes[this.length] = type | 25
      this.view.setUint16(this.length + 1, argument)
      this.length += 3
    } else {
      this.reserve(5)
      this.bytes[this.length] = type | 26
      this.view.setUint32(this.length + 1, argument)
      this.length += 5
    }
  }

  /** A head whose argument always takes 8 bytes: the fixed-size headers that appends rewrite in place. */
  head64(major: number, argument: bigint): void {
    this.reserve(9)
    this.bytes[this.length] = (major << 5) | 27
    this.view.setBigUint64(this.length + 1, argument)
    this.length += 9
  }

  float64(value: number): void {
    this.reserve(9)
    this.bytes[this.length] = 0xfb
    this.view.setFloat64(this.length + 1, value)
    this.length += 9
  }

  text(value: string): void {
    const encoded = TEXT.encode(value)
    this.head(3, encoded.byteLength)
    this.raw(encoded)
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length)
  }
}
