/**
 * CBOR (RFC 8949) as Artisan's files use it: maps in insertion order,
 * integers in their shortest form, other numbers as 8-byte floats, dates as
 * tag 0 strings, and typed arrays in the RFC 8746 row-major layout (tag 40)
 * with 8-byte shape and length fields, which is what lets arrays grow in
 * place (see `persistentFiles.ts`).
 *
 * Writing: `Uint8Array` is a byte string; every other typed array is a 1-D
 * `NdArray`; JS cannot tell `2` from `2.0`, so integral numbers are written
 * as integers (cbor2 would write a Python float `2.0` as a float; both read
 * back as the number 2). Reading: byte strings → `Uint8Array`, tag 0/1 →
 * `Date`, tags 2/3 → `bigint`, tag 40 → `NdArray`, typed-array tags → typed
 * arrays, maps with only text keys → plain objects (others → `Map`), other
 * tags → `Tagged`.
 *
 * @since 0.1.0
 */
import { CborWriter } from "./cborWriter.ts"
import { CborError, halfToNumber, NdArray, SimpleValue, Tagged, tagOfTypedArray, typedArrayOf } from "./cborTypes.ts"
import type { TypedArray } from "./cborTypes.ts"

export { CborError, NdArray, SimpleValue, Tagged } from "./cborTypes.ts"
export type { TypedArray } from "./cborTypes.ts"

const MAX_DEPTH = 512
const TEXT = new TextDecoder("utf-8", { fatal: true })

const isTypedArray = (value: unknown): value is TypedArray =>
  ArrayBuffer.isView(value) && !(value instanceof DataView)

/**
 * The bytes of a typed array in little-endian order (the platform's, on every Node target).
 *
 * @since 0.1.0
 * @category encoding
 */
export const littleEndianBytes = (data: TypedArray): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength)

/**
 * The head of an n-dimensional array, up to its data: tag 40 [shape, typed
 * array], every count in 8 bytes so appends can rewrite it in place.
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeNdArrayHead = (
  writer: CborWriter,
  shape: ReadonlyArray<number>,
  data: TypedArray,
  byteLength = data.byteLength
): void => {
  writer.head(6, 40)
  writer.byte(0x82)
  writer.head(4, shape.length)
  for (const dimension of shape) writer.head64(0, BigInt(dimension))
  writer.head(6, tagOfTypedArray(data))
  writer.head64(2, BigInt(byteLength))
}

/**
 * Writes an n-dimensional array (head and data).
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeNdArray = (writer: CborWriter, array: NdArray): void => {
  writeNdArrayHead(writer, array.shape, array.data)
  writer.raw(littleEndianBytes(array.data))
}

const writeValue = (writer: CborWriter, value: unknown, depth: number): void => {
  if (depth > MAX_DEPTH) throw new RangeError(`Values nested deeper than ${MAX_DEPTH} levels cannot be written.`)
  switch (typeof value) {
    case "string":
      return writer.text(value)
    case "boolean":
      return writer.byte(value ? 0xf5 : 0xf4)
    case "undefined":
      return writer.byte(0xf7)
    case "number":
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
        return value >= 0 ? writer.head(0, value) : writer.head(1, -1 - value)
      }
      return writer.float64(value)
    case "bigint":
      if (value >= 0n && value < 2n ** 64n) return writer.head(0, value)
      if (value < 0n && value >= -(2n ** 64n)) return writer.head(1, -1n - value)
      return writeBignum(writer, value)
    case "object":
      return writeObject(writer, value, depth)
    default:
      throw new TypeError(`A ${typeof value} cannot be written as CBOR.`)
  }
}

const writeBignum = (writer: CborWriter, value: bigint): void => {
  const negative = value < 0n
  let magnitude = negative ? -1n - value : value
  const bytes: Array<number> = []
  while (magnitude > 0n) {
    bytes.unshift(Number(magnitude & 0xffn))
    magnitude >>= 8n
  }
  writer.head(6, negative ? 3 : 2)
  writer.head(2, bytes.length)
  writer.raw(Uint8Array.from(bytes))
}

const writeObject = (writer: CborWriter, value: object | null, depth: number): void => {
  if (value === null) return writer.byte(0xf6)
  if (value instanceof Uint8Array && !(value instanceof Uint8ClampedArray) && value.constructor === Uint8Array) {
    writer.head(2, value.byteLength)
    return writer.raw(value)
  }
  if (isTypedArray(value)) return writeNdArray(writer, new NdArray([value.length], value))
  if (value instanceof NdArray) return writeNdArray(writer, value)
  if (value instanceof Date) {
    writer.head(6, 0)
    return writer.text(value.toISOString())
  }
  if (value instanceof SimpleValue) return writer.head(7, value.value)
  if (value instanceof Tagged) {
    writer.head(6, value.tag)
    return writeValue(writer, value.value, depth + 1)
  }
  if (Array.isArray(value)) {
    writer.head(4, value.length)
    for (const item of value) writeValue(writer, item, depth + 1)
    return
  }
  if (value instanceof Map) {
    writer.head(5, value.size)
    for (const [key, item] of value) {
      writeValue(writer, key, depth + 1)
      writeValue(writer, item, depth + 1)
    }
    return
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined)
  writer.head(5, entries.length)
  for (const [key, item] of entries) {
    writer.text(key)
    writeValue(writer, item, depth + 1)
  }
}

/**
 * One value as CBOR bytes.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (value: unknown): Uint8Array => {
  const writer = new CborWriter()
  writeValue(writer, value, 0)
  return writer.result()
}

/**
 * Several values back to back (the items of an appendable list).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeSequence = (values: Iterable<unknown>): Uint8Array => {
  const writer = new CborWriter()
  for (const value of values) writeValue(writer, value, 0)
  return writer.result()
}

/**
 * A position in a CBOR byte string; `item()` reads one data item.
 *
 * @since 0.1.0
 * @category decoding
 */
export class CborReader {
  offset: number
  readonly bytes: Uint8Array
  private readonly view: DataView

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes
    this.offset = offset
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  fail(message: string, at = this.offset): never {
    throw new CborError({ message, offset: at })
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.byteLength) {
      this.fail(`The data ends ${this.offset + count - this.bytes.byteLength} byte(s) early.`)
    }
  }

  /** Reads a head; `undefined` argument means indefinite length. */
  head(): { readonly major: number; readonly info: number; readonly argument: number | bigint | undefined } {
    this.need(1)
    const initial = this.bytes[this.offset++]!
    const major = initial >> 5
    const info = initial & 0x1f
    if (info < 24) return { major, info, argument: info }
    if (info === 24) {
      this.need(1)
      return { major, info, argument: this.bytes[this.offset++]! }
    }
    if (info === 25) {
      this.need(2)
      const argument = this.view.getUint16(this.offset)
      this.offset += 2
      return { major, info, argument }
    }
    if (info === 26) {
      this.need(4)
      const argument = this.view.getUint32(this.offset)
      this.offset += 4
      return { major, info, argument }
    }
    if (info === 27) {
      this.need(8)
      const big = this.view.getBigUint64(this.offset)
      this.offset += 8
      return { major, info, argument: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big }
    }
    if (info === 31 && major >= 2 && major <= 5) return { major, info, argument: undefined }
    if (info === 31 && major === 7) this.fail("A break byte (0xff) appears outside an indefinite-length item.", this.offset - 1)
    return this.fail(`Reserved additional information ${info} in major type ${major}.`, this.offset - 1)
  }

  /** A count checked against the bytes left (every unit takes at least `unitBytes`), so a bad head cannot make us allocate. */
  private length(argument: number | bigint, what: string, unitBytes = 1): number {
    if (typeof argument === "bigint" || argument * unitBytes > this.bytes.byteLength - this.offset) {
      this.fail(`${what} of ${argument} item(s) is longer than the data left.`)
    }
    return argument as number
  }

  private isBreak(): boolean {
    this.need(1)
    if (this.bytes[this.offset] !== 0xff) return false
    this.offset++
    return true
  }

  private chunks(major: number): Uint8Array {
    const parts: Array<Uint8Array> = []
    while (!this.isBreak()) {
      const at = this.offset
      const { argument, major: chunkMajor } = this.head()
      if (chunkMajor !== major || argument === undefined) this.fail("An indefinite-length string holds a chunk of another type.", at)
      parts.push(this.take(this.length(argument, "A string")))
    }
    return Buffer.concat(parts)
  }

  take(count: number): Uint8Array {
    this.need(count)
    const slice = this.bytes.subarray(this.offset, this.offset + count)
    this.offset += count
    return slice
  }

  item(depth = 0): unknown {
    if (depth > MAX_DEPTH) this.fail(`Items are nested deeper than ${MAX_DEPTH} levels.`)
    const at = this.offset
    const { argument, info, major } = this.head()
    switch (major) {
      case 0:
        return argument
      case 1:
        return typeof argument === "bigint" ? -1n - argument : -1 - argument!
      case 2:
        return argument === undefined ? this.chunks(2) : this.take(this.length(argument, "A string")).slice()
      case 3: {
        const bytes = argument === undefined ? this.chunks(3) : this.take(this.length(argument, "A string"))
        try {
          return TEXT.decode(bytes)
        } catch {
          return this.fail("A text string is not valid UTF-8.", at)
        }
      }
      case 4: {
        const items: Array<unknown> = []
        if (argument === undefined) {
          while (!this.isBreak()) items.push(this.item(depth + 1))
        } else {
          const count = this.length(argument, "An array")
          for (let i = 0; i < count; i++) items.push(this.item(depth + 1))
        }
        return items
      }
      case 5:
        return this.map(argument, depth)
      case 6:
        return this.tagged(argument!, at, depth)
      default:
        return this.simple(info, argument as number, at)
    }
  }

  private map(argument: number | bigint | undefined, depth: number): unknown {
    const entries: Array<[unknown, unknown]> = []
    if (argument === undefined) {
      while (!this.isBreak()) entries.push([this.item(depth + 1), this.item(depth + 1)])
    } else {
      const count = this.length(argument, "A map", 2)
      for (let i = 0; i < count; i++) entries.push([this.item(depth + 1), this.item(depth + 1)])
    }
    if (!entries.every(([key]) => typeof key === "string")) return new Map(entries)
    const object: Record<string, unknown> = {}
    for (const [key, value] of entries) {
      // defineProperty: a "__proto__" key is data, never the object's prototype.
      Object.defineProperty(object, key as string, { value, enumerable: true, writable: true, configurable: true })
    }
    return object
  }

  private tagged(tag: number | bigint, at: number, depth: number): unknown {
    if (typeof tag === "bigint") return new Tagged(Number(tag), this.item(depth + 1))
    if (tag === 40) return this.ndArray(at, depth)
    const value = this.item(depth + 1)
    if (tag === 0 && typeof value === "string") return this.date(new Date(value), at)
    if (tag === 1 && typeof value === "number") return this.date(new Date(value * 1000), at)
    if ((tag === 2 || tag === 3) && value instanceof Uint8Array) {
      let magnitude = 0n
      for (const byte of value) magnitude = (magnitude << 8n) | BigInt(byte)
      return tag === 2 ? magnitude : -1n - magnitude
    }
    if (tag >= 64 && tag <= 87 && value instanceof Uint8Array) return typedArrayOf(tag, value, at)
    return new Tagged(tag, value)
  }

  private date(date: Date, at: number): Date {
    return Number.isNaN(date.getTime()) ? this.fail("A date item does not hold a valid date.", at) : date
  }

  private ndArray(at: number, depth: number): NdArray {
    const content = this.item(depth + 1)
    if (!Array.isArray(content) || content.length !== 2) this.fail("Tag 40 must hold [shape, data].", at)
    const [shape, data] = content as [unknown, unknown]
    if (!Array.isArray(shape) || !shape.every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0)) {
      return this.fail("The shape of a tag-40 array must be a list of counts.", at)
    }
    const elements = isTypedArray(data) ? data : this.fail("The data of a tag-40 array must be a typed array.", at)
    try {
      return new NdArray(shape as Array<number>, elements)
    } catch (error) {
      return this.fail((error as Error).message, at)
    }
  }

  private simple(info: number, argument: number, at: number): unknown {
    switch (info) {
      case 20:
        return false
      case 21:
        return true
      case 22:
        return null
      case 23:
        return undefined
      case 25:
        return halfToNumber(argument)
      case 26:
        return new DataView(Uint32Array.of(argument).buffer).getFloat32(0, true)
      case 27:
        return this.view.getFloat64(this.offset - 8)
      default:
        return info <= 24 ? new SimpleValue(argument) : this.fail(`Unknown simple value ${info}.`, at)
    }
  }
}

/**
 * Reads exactly one item; trailing bytes are an error.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (bytes: Uint8Array): unknown => {
  const reader = new CborReader(bytes)
  const value = reader.item()
  if (reader.offset !== bytes.byteLength) reader.fail(`${bytes.byteLength - reader.offset} byte(s) follow the item.`)
  return value
}
