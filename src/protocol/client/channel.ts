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
import type { DescMessage, DescMethod, MessageInitShape, MessageShape } from "@bufbuild/protobuf"
import * as grpc from "@grpc/grpc-js"
import { Effect, Tracer } from "effect"
import type { Fiber, Scope } from "effect"
import { traceparentOf } from "../../layers/telemetry/otlpPropagation.ts"
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

/** What a call needs of its method, worked out once per method rather than per call. */
interface MethodWire {
  readonly label: string
  readonly path: string
  readonly span: string
  readonly serialize: (message: never) => Buffer
  readonly deserialize: (bytes: Buffer) => unknown
}

const wires = new WeakMap<DescMethod, MethodWire>()

const wireOf = (method: UnaryMethod<DescMessage, DescMessage>): MethodWire => {
  let wire = wires.get(method)
  if (wire === undefined) {
    const path = pathOf(method)
    wire = {
      label: labelOf(method),
      path,
      span: path.slice(1),
      serialize: (message: MessageInitShape<DescMessage>) => encode(method.input, message),
      deserialize: (bytes: Buffer) => decode(method.output, bytes)
    }
    wires.set(method, wire)
  }
  return wire
}

/**
 * One call in flight: settles once, whichever comes first of the answer,
 * `fail` (the host saw the process die) and interruption.
 */
class PendingCall<A> {
  private done = false
  call: grpc.ClientUnaryCall | undefined
  private readonly resume: (effect: Effect.Effect<A, RpcError>) => void
  private readonly wire: MethodWire
  private readonly target: string
  private readonly inFlight: InFlight | undefined
  constructor(
    resume: (effect: Effect.Effect<A, RpcError>) => void,
    wire: MethodWire,
    target: string,
    inFlight: InFlight | undefined
  ) {
    this.resume = resume
    this.wire = wire
    this.target = target
    this.inFlight = inFlight
  }
  private finish(): boolean {
    if (this.done) return false
    this.done = true
    this.inFlight?.delete(this.fail)
    return true
  }
  readonly answer = (error: grpc.ServiceError | null, response?: A): void => {
    if (!this.finish()) return
    this.resume(error === null ? Effect.succeed(response!) : Effect.fail(rpcErrorOf(this.wire.label, this.target, error)))
  }
  readonly fail = (error: RpcError): void => {
    if (!this.finish()) return
    this.call?.cancel()
    this.resume(Effect.fail(error))
  }
  readonly cancel = Effect.sync(() => {
    if (this.finish()) this.call?.cancel()
  })
}

const send = <O extends DescMessage>(
  client: grpc.Client,
  target: string,
  wire: MethodWire,
  request: MessageInitShape<DescMessage>,
  options: CallOptions | undefined,
  inFlight: InFlight | undefined,
  traceparent: string | undefined
): Effect.Effect<MessageShape<O>, RpcError> =>
  Effect.callback<MessageShape<O>, RpcError>((resume) => {
    const pending = new PendingCall(resume, wire, target, inFlight)
    const metadata = new grpc.Metadata()
    if (traceparent !== undefined) metadata.set("traceparent", traceparent)
    pending.call = client.makeUnaryRequest(
      wire.path,
      wire.serialize,
      wire.deserialize as (bytes: Buffer) => MessageShape<O>,
      request as never,
      metadata,
      { deadline: Date.now() + (options?.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS) },
      pending.answer
    )
    inFlight?.add(pending.fail)
    return pending.cancel
  })

/** The `traceparent` of the fiber's current span, unless tracing is off. */
const traceparentIn = (fiber: Fiber.Fiber<unknown, unknown>): string | undefined => {
  const span = fiber.cache.span
  return span === undefined || !fiber.cache.tracerEnabled ? undefined : traceparentOf(span)
}

/**
 * One unary call on a grpc-js client; registered in `inFlight` while it runs.
 *
 * The call runs in a client span when a tracing backend is installed. With
 * Effect's native tracer (nothing records spans) or tracing off, no span
 * is made, since nobody could see it and making one is a large share of a
 * fast call's cost; the caller's own span still goes along as `traceparent`.
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
  const wire = wireOf(method)
  const init = request as MessageInitShape<DescMessage>
  return Effect.withFiber((fiber) => {
    const tracer = fiber.cache.tracer
    if (tracer === undefined || tracer === Tracer.nativeTracer || !fiber.cache.tracerEnabled) {
      return send<O>(client, target, wire, init, options, inFlight, traceparentIn(fiber))
    }
    return Effect.withFiber((inner) => send<O>(client, target, wire, init, options, inFlight, traceparentIn(inner))).pipe(
      Effect.withSpan(wire.span, CLIENT_SPAN, NO_STACK)
    )
  })
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
