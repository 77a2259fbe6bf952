/**
 * The readers and writers of artifact entries. Typed fields name their
 * codec (`text`, `json`, `cbor`, `bytes`); untyped entries (dynamic
 * artifacts) get a writer picked by the name's extension, else by the
 * value's type, and a reader picked by the file's extension, as Artisan's
 * `_readers_`/`_writers_` lists do.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { FieldCodec } from "../../services/Artifacts.ts"
import { decode as decodeCbor, encode as encodeCbor, NdArray } from "./cbor.ts"
import { encodeList, isListFile, readList } from "./persistentFiles.ts"

const utf8 = new TextDecoder("utf-8", { fatal: true })
const encoder = new TextEncoder()

/**
 * UTF-8 text, `.txt`.
 *
 * @since 0.1.0
 * @category codecs
 */
export const text: FieldCodec<string> = {
  extension: ".txt",
  encode: (value) => encoder.encode(value),
  decode: (bytes) => utf8.decode(bytes)
}

/**
 * Raw bytes (Artisan's opaque files), `.bin`.
 *
 * @since 0.1.0
 * @category codecs
 */
export const bytes: FieldCodec<Uint8Array> = { extension: ".bin", encode: (value) => value, decode: (value) => value }

/**
 * JSON, `.json`, checked against a schema when one is given.
 *
 * @since 0.1.0
 * @category codecs
 */
export const json = <A = unknown>(schema?: Schema.Codec<A, unknown>): FieldCodec<A> => {
  const check = schema === undefined ? (value: unknown) => value as A : Schema.decodeUnknownSync(schema)
  return {
    extension: ".json",
    encode: (value) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`),
    decode: (bytes) => check(JSON.parse(utf8.decode(bytes)))
  }
}

/**
 * CBOR, `.cbor`: arrays as appendable list files, `NdArray`s and typed
 * arrays as RFC 8746 tag-40 arrays, anything else as one item.
 *
 * @since 0.1.0
 * @category codecs
 */
export const cbor: FieldCodec<unknown> = {
  extension: ".cbor",
  encode: (value) => (Array.isArray(value) ? encodeList(value) : encodeCbor(value)),
  decode: (content) => (isListFile(content) ? readList(content) : decodeCbor(content))
}

/**
 * A list of items in the appendable list layout, `.cbor`.
 *
 * @since 0.1.0
 * @category codecs
 */
export const list = <A = unknown>(): FieldCodec<ReadonlyArray<A>> => cbor as FieldCodec<ReadonlyArray<A>>

/**
 * An n-dimensional array (RFC 8746), `.cbor`.
 *
 * @since 0.1.0
 * @category codecs
 */
export const ndarray: FieldCodec<NdArray> = {
  extension: ".cbor",
  encode: (value) => encodeCbor(value),
  decode: (content) => {
    const value = cbor.decode(content)
    if (value instanceof NdArray) return value
    throw new Error("the file does not hold an n-dimensional array")
  }
}

const byExtension: ReadonlyMap<string, FieldCodec<any>> = new Map<string, FieldCodec<any>>([
  [".cbor", cbor],
  [".txt", text],
  [".json", json()]
])

/**
 * The extension of a file name (`""` when it has none).
 *
 * @since 0.1.0
 * @category naming
 */
export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf(".")
  return dot > 0 ? name.slice(dot) : ""
}

/**
 * The codec that reads a file: by extension, raw bytes for any other.
 *
 * @since 0.1.0
 * @category registry
 */
export const readerFor = (fileName: string): FieldCodec<any> => byExtension.get(extensionOf(fileName)) ?? bytes

/**
 * The file name and codec that write an untyped entry: the name's own
 * extension when it has a known one, else raw bytes for a `Uint8Array` and
 * CBOR for everything else (Artisan's default writer).
 *
 * @since 0.1.0
 * @category registry
 */
export const writerFor = (name: string, value: unknown): { readonly fileName: string; readonly codec: FieldCodec<any> } => {
  const known = byExtension.get(extensionOf(name))
  if (known !== undefined) return { fileName: name, codec: known }
  if (value instanceof Uint8Array) return { fileName: extensionOf(name) === "" ? `${name}.bin` : name, codec: bytes }
  return { fileName: `${name}.cbor`, codec: cbor }
}
