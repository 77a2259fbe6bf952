/**
 * The wire basics every server and client here shares: the protocol version
 * strata speaks, the gRPC path of a method, and message encoding with
 * protobuf-es (the generated descriptors in `../gen`).
 *
 * @since 0.1.0
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import type { DescMessage, DescMethod, MessageInitShape, MessageShape } from "@bufbuild/protobuf"

/**
 * The Gestalt provider protocol version (every Gestalt SDK speaks 3; the
 * provider checks for equality).
 *
 * @since 0.1.0
 * @category protocol
 */
export const PROTOCOL_VERSION = 3

/**
 * A unary method with its request and response message types.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnaryMethod<I extends DescMessage, O extends DescMessage> extends DescMethod {
  readonly input: I
  readonly output: O
}

/**
 * `/gestalt.provider.v1.Cache/Get`.
 *
 * @since 0.1.0
 * @category protocol
 */
export const pathOf = (method: DescMethod): string => `/${method.parent.typeName}/${method.name}`

/**
 * `Cache.Get`: how errors and spans name a method.
 *
 * @since 0.1.0
 * @category protocol
 */
export const labelOf = (method: DescMethod): string => `${method.parent.name}.${method.name}`

/**
 * Encodes a message (or its init shape) for the wire.
 *
 * @since 0.1.0
 * @category codecs
 */
export const encode = <M extends DescMessage>(schema: M, message: MessageInitShape<M>): Buffer => {
  const bytes = toBinary(schema, create(schema, message))
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Decodes a wire message; throws on malformed bytes (callers turn that into
 * an INVALID_ARGUMENT or INTERNAL status).
 *
 * @since 0.1.0
 * @category codecs
 */
export const decode = <M extends DescMessage>(schema: M, bytes: Uint8Array): MessageShape<M> => fromBinary(schema, bytes)
