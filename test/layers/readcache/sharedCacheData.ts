/** The objects of the shared-directory test: sizes and bytes both processes can compute. */
import { patterned } from "./support.ts"

export const objectKey = (index: number): string => `data/object-${index}.bin`

export const objectBytes = (index: number): Uint8Array => patterned(150_000 + index * 37_123, index)
