/**
 * The values CBOR files hold beyond JSON: n-dimensional typed arrays
 * (RFC 8746), tags we do not interpret, and the decode error.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array

/**
 * A row-major array of any rank (RFC 8746 tag 40), as Artisan writes numpy
 * arrays: `shape` counts elements per dimension, `data` holds them all.
 *
 * @since 0.1.0
 * @category models
 */
export class NdArray {
  readonly shape: ReadonlyArray<number>
  readonly data: TypedArray
  constructor(shape: ReadonlyArray<number>, data: TypedArray) {
    this.shape = shape
    this.data = data
    const count = shape.reduce((product, dimension) => product * dimension, 1)
    if (count !== data.length) {
      throw new RangeError(`An array of shape [${shape.join(", ")}] holds ${count} elements, not ${data.length}.`)
    }
  }
}

/**
 * A tagged item whose tag this codec does not interpret; written back as it was read.
 *
 * @since 0.1.0
 * @category models
 */
export class Tagged {
  readonly tag: number
  readonly value: unknown
  constructor(tag: number, value: unknown) {
    this.tag = tag
    this.value = value
  }
}

/**
 * An unassigned CBOR simple value (major type 7, 0–19 or 32–255); written back as it was read.
 *
 * @since 0.1.0
 * @category models
 */
export class SimpleValue {
  readonly value: number
  constructor(value: number) {
    this.value = value
  }
}

/**
 * Bytes that are not the CBOR this codec reads; `offset` is where it stopped.
 *
 * @since 0.1.0
 * @category errors
 */
export class CborError extends Schema.TaggedError<CborError>()("CborError", {
  message: Schema.String,
  offset: Schema.Number
}) {}

interface ElementType {
  readonly make: (buffer: ArrayBuffer) => TypedArray
  readonly size: number
  readonly littleEndian: boolean
}

const element = (make: (buffer: ArrayBuffer) => TypedArray, size: number, littleEndian: boolean): ElementType => ({
  make,
  size,
  littleEndian
})

/**
 * RFC 8746 typed-array tags and their element types (half floats are read
 * into Float32Array, since Node has no Float16Array by default).
 *
 * @since 0.1.0
 * @category tags
 */
export const TYPED_ARRAY_TAGS: ReadonlyMap<number, ElementType> = new Map([
  [64, element((b) => new Uint8Array(b), 1, true)],
  [65, element((b) => new Uint16Array(b), 2, false)],
  [66, element((b) => new Uint32Array(b), 4, false)],
  [67, element((b) => new BigUint64Array(b), 8, false)],
  [68, element((b) => new Uint8Array(b), 1, true)],
  [69, element((b) => new Uint16Array(b), 2, true)],
  [70, element((b) => new Uint32Array(b), 4, true)],
  [71, element((b) => new BigUint64Array(b), 8, true)],
  [72, element((b) => new Int8Array(b), 1, true)],
  [73, element((b) => new Int16Array(b), 2, false)],
  [74, element((b) => new Int32Array(b), 4, false)],
  [75, element((b) => new BigInt64Array(b), 8, false)],
  [77, element((b) => new Int16Array(b), 2, true)],
  [78, element((b) => new Int32Array(b), 4, true)],
  [79, element((b) => new BigInt64Array(b), 8, true)],
  [80, element((b) => new Float32Array(b), 2, false)],
  [81, element((b) => new Float32Array(b), 4, false)],
  [82, element((b) => new Float64Array(b), 8, false)],
  [84, element((b) => new Float32Array(b), 2, true)],
  [85, element((b) => new Float32Array(b), 4, true)],
  [86, element((b) => new Float64Array(b), 8, true)]
])

/**
 * The tag a typed array is written with: little-endian, as numpy on x86 and
 * ARM writes it; uint8 as 68 (clamped), as Artisan does.
 *
 * @since 0.1.0
 * @category tags
 */
export const tagOfTypedArray = (data: TypedArray): number => {
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 68
  if (data instanceof Int8Array) return 72
  if (data instanceof Uint16Array) return 69
  if (data instanceof Int16Array) return 77
  if (data instanceof Uint32Array) return 70
  if (data instanceof Int32Array) return 78
  if (data instanceof Float32Array) return 85
  if (data instanceof Float64Array) return 86
  if (data instanceof BigUint64Array) return 71
  return 79
}

/** IEEE 754 half precision to a number. */
export const halfToNumber = (bits: number): number => {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}

/**
 * Element data of a typed-array tag as a native (little-endian) typed array,
 * copied so it is aligned and owned.
 *
 * @since 0.1.0
 * @category decoding
 */
export const typedArrayOf = (tag: number, bytes: Uint8Array, offset: number): TypedArray => {
  const type = TYPED_ARRAY_TAGS.get(tag)
  if (type === undefined) throw new CborError({ message: `Tag ${tag} is not a typed-array tag.`, offset })
  if (bytes.byteLength % type.size !== 0) {
    throw new CborError({
      message: `A typed array of ${type.size}-byte elements cannot hold ${bytes.byteLength} bytes.`,
      offset
    })
  }
  const count = bytes.byteLength / type.size
  if (type.size === 2 && (tag === 80 || tag === 84)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return Float32Array.from({ length: count }, (_, i) => halfToNumber(view.getUint16(i * 2, tag === 84)))
  }
  const copy = bytes.slice()
  if (!type.littleEndian && type.size > 1) {
    for (let start = 0; start < copy.byteLength; start += type.size) copy.subarray(start, start + type.size).reverse()
  }
  return type.make(copy.buffer)
}
