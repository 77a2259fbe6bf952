/**
 * Growing an n-dimensional array along its first axis in memory: what an
 * append to an array file is on a store without in-place writes.
 *
 * @since 0.1.0
 */
import { NdArray } from "./cbor.ts"
import { tagOfTypedArray } from "./cborTypes.ts"
import type { TypedArray } from "./cborTypes.ts"

/**
 * `rows` after `array`, with the checks `appendToArray` makes on files.
 *
 * @since 0.1.0
 * @category combinators
 */
export const concatRows = (array: NdArray, rows: NdArray): NdArray => {
  if (array.shape.length === 0 || rows.shape.length === 0) throw new RangeError("Scalars cannot be extended.")
  const sameShape = array.shape.length === rows.shape.length && array.shape.every((dimension, i) => i === 0 || dimension === rows.shape[i])
  if (!sameShape || tagOfTypedArray(array.data) !== tagOfTypedArray(rows.data)) {
    throw new RangeError("Container and item shapes or element types do not match.")
  }
  const Constructor = array.data.constructor as new(length: number) => TypedArray
  const data = new Constructor(array.data.length + rows.data.length)
  ;(data as Uint8Array).set(array.data as Uint8Array, 0)
  ;(data as Uint8Array).set(rows.data as Uint8Array, array.data.length)
  return new NdArray([array.shape[0]! + rows.shape[0]!, ...array.shape.slice(1)], data)
}
