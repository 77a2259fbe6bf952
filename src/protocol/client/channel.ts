/**
 * A `Channel` is a connection to one provider's (or one host service's) gRPC
 * server over a unix socket, with unary calls as Effects: the current span's
 * W3C `traceparent` goes along in the call's metadata (so the provider's
 * spans join the caller's trace), interruption cancels the call, every call
 * has a deadline, and a failure is an `RpcError` naming the method and the
 * socket.
 *
 * `open` makes one for a socket path or `unix://` target and closes it with
 * its scope; the host's provider process (programs/plugin/host.ts) hands out
 * channels of its own that survive restarts.
 *
 * @since 0.1.0
 */
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf"
import * as grpc from "@grpc/grpc-js"
import { Effect } from "effect"
import type { Scope } from "effect"
import { currentTraceparent } from "../../layers/telemetry/otlpPropagation.ts"
import { Code, codeName, decodeStatusMessage, REASON_KEY, RpcError } from "../codecs/status.ts"
import { decode, encode, labelOf, pathOf } from "../codecs/wire.ts"
import type { UnaryMethod } from "../codecs/wire.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** Milliseconds before the call fails with DEADLINE_EXCEEDED; default 30 s (Gestalt's per-call default). */
  readonly timeoutMillis?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Channel {
  /** Where the calls go, for messages: the socket path. */
  readonly target: string
  readonly unary: <I extends DescMessage, O extends DescMessage>(
    method: UnaryMethod<I, O>,
    request: MessageInitShape<I>,
    options?: CallOptions
  ) => Effect.Effect<MessageShape<O>, RpcError>
}

/**
 * gRPC values accept messages up to 64 MiB (grpc-js' default is 4 MiB; the
 * cache accepts values up to 16 MiB).
 *
 * @since 0.1.0
 * @category protocol
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

const DEFAULT_TIMEOUT_MILLIS = 30_000

const CLIENT_SPAN = { kind: "client", attributes: { "rpc.system": "grpc" } } as const

/**
 * Span options of the per-call spans: no call-site stack (capturing one is
 * a large part of a span's cost, and the span name says where the call went).
 *
 * @since 0.1.0
 * @category protocol
 */
export const NO_STACK = { captureStackTrace: false } as const

/**
 * The grpc-js address of a host-service or provider target: a socket path,
 * `unix://path`, `unix:path` or `tcp://host:port` (plain HTTP/2).
 *
 * @since 0.1.0
 * @category protocol
 */
export const addressOf = (target: string): string => {
  if (target.startsWith("unix:")) return target
  if (target.startsWith("tcp://")) return target.slice("tcp://".length)
  return `unix:${target}`
}

/** A socket path for messages, without the scheme. */
const displayOf = (target: string): string => target.replace(/^unix:(\/\/)?/, "")

/**
 * A raw grpc-js client for a socket, with the options strata uses everywhere
 * (authority `localhost`, as Gestalt hosts dial; 64 MiB messages).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient = (target: string): grpc.Client =>
  new grpc.Client(addressOf(target), grpc.credentials.createInsecure(), {
    "grpc.default_authority": "localhost",
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES
  })

/**
 * The `RpcError` of a failed grpc-js call.
 *
 * @since 0.1.0
 * @category errors
 */
export const rpcErrorOf = (label: string, target: string, error: grpc.ServiceError): RpcError => {
  const details = decodeStatusMessage(error.details ?? "").trim()
  const reason = error.metadata?.get(REASON_KEY)[0]
  const transport = error.code === Code.UNAVAILABLE || error.code === Code.DEADLINE_EXCEEDED ||
    error.code === Code.CANCELLED
  const message = transport
    ? `The call ${label} to the provider at ${displayOf(target)} failed (${codeName(error.code)}): ${details || "no details"}.`
    : details || `The call ${label} failed with ${codeName(error.code)}.`
  return new RpcError({
    code: error.code,
    method: label,
    message,
    ...(typeof reason === "string" ? { reason } : {})
  })
}

/**
 * The calls in flight on a connection, each a function that fails it at
 * once (the host fails them all when the provider process dies).
 *
 * @since 0.1.0
 * @category models
 */
export type InFlight = Set<(error: RpcError) => void>

/**
 * One unary call on a grpc-js client; registered in `inFlight` while it runs.
 *
 * @since 0.1.0
 * @category calls
 */
export const unaryCall = <I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  target: string,
  method: UnaryMethod<I, O>,
  request: MessageInitShape<I>,
  options?: CallOptions,
  inFlight?: InFlight
): Effect.Effect<MessageShape<O>, RpcError> => {
  const label = labelOf(method)
  const path = pathOf(method)
  return Effect.flatMap(currentTraceparent, (traceparent) =>
    Effect.callback<MessageShape<O>, RpcError>((resume) => {
      const metadata = new grpc.Metadata()
      if (traceparent !== undefined) metadata.set("traceparent", traceparent)
      const deadline = Date.now() + (options?.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS)
      let done = false
      const finish = (): boolean => {
        if (done) return false
        done = true
        inFlight?.delete(failNow)
        return true
      }
      const call = client.makeUnaryRequest(
        path,
        (message: MessageInitShape<I>) => encode(method.input, message),
        (bytes: Buffer) => decode(method.output, bytes),
        request,
        metadata,
        { deadline },
        (error, response) => {
          if (!finish()) return
          if (error !== null) resume(Effect.fail(rpcErrorOf(label, target, error)))
          else resume(Effect.succeed(response!))
        }
      )
      function failNow(error: RpcError): void {
        if (!finish()) return
        call.cancel()
        resume(Effect.fail(error))
      }
      inFlight?.add(failNow)
      return Effect.sync(() => {
        if (finish()) call.cancel()
      })
    })).pipe(Effect.withSpan(path.slice(1), CLIENT_SPAN, NO_STACK))
}

/**
 * Waits until the socket accepts a connection (the provider is listening).
 *
 * @since 0.1.0
 * @category calls
 */
export const waitForReady = (client: grpc.Client, target: string, timeoutMillis: number): Effect.Effect<void, RpcError> =>
  Effect.callback<void, RpcError>((resume) => {
    client.waitForReady(Date.now() + timeoutMillis, (error) => {
      if (error === undefined || error === null) resume(Effect.void)
      else {
        resume(Effect.fail(
          new RpcError({
            code: Code.UNAVAILABLE,
            method: "connect",
            message: `No provider answered on ${displayOf(target)} within ${timeoutMillis} ms: ${error.message}.`
          })
        ))
      }
    })
  })

/**
 * A channel to the gRPC server on `target` (a socket path or `unix://`
 * target), closed with the scope. It connects lazily; nothing is checked
 * until the first call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const open = (target: string): Effect.Effect<Channel, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(Effect.sync(() => makeClient(target)), (client) => Effect.sync(() => client.close())),
    (client) => fromClient(client, target)
  )

/**
 * A channel over an existing grpc-js client; its calls register in
 * `inFlight` when given.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (client: grpc.Client, target: string, inFlight?: InFlight): Channel => ({
  target: displayOf(target),
  unary: (method, request, options) => unaryCall(client, target, method, request, options, inFlight)
})
