/**
 * Serves Effect handlers over gRPC on a unix socket (grpc-js).
 *
 * - Requests are decoded here, not by grpc-js, so that a malformed message
 *   gets INVALID_ARGUMENT with a sentence naming the method and message type,
 *   and the server carries on.
 * - Each call runs as a fiber with the services the server was started with,
 *   inside a server span whose parent is the caller's `traceparent`.
 *   Cancelling the call interrupts the fiber.
 * - A handler fails with `RpcError` to answer with that status (its `reason`
 *   goes into the trailers as `strata-reason`); a defect is logged and
 *   answered with INTERNAL, without details.
 * - Closing the scope drains: new calls are refused, calls in flight finish
 *   (up to `drainMillis`, then they are cut), and the socket file goes.
 *
 * @since 0.1.0
 */
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf"
import * as grpc from "@grpc/grpc-js"
import { Cause, Context, Effect, Exit } from "effect"
import type { Scope } from "effect"
import { rmSync } from "node:fs"
import { parseTraceparent } from "../../layers/telemetry/otlpPropagation.ts"
import { MAX_MESSAGE_BYTES, NO_STACK } from "../client/channel.ts"
import { Code, REASON_KEY, RpcError } from "../codecs/status.ts"
import { decode, encode, labelOf, pathOf } from "../codecs/wire.ts"
import type { UnaryMethod } from "../codecs/wire.ts"

/**
 * One method of a served service with its handler.
 *
 * @since 0.1.0
 * @category models
 */
export interface Route<R> {
  readonly method: UnaryMethod<DescMessage, DescMessage>
  readonly handle: (request: never, metadata: grpc.Metadata) => Effect.Effect<unknown, RpcError, R>
}

/**
 * Pairs a method with its handler (typed by the method's messages).
 *
 * @since 0.1.0
 * @category constructors
 */
export const route = <I extends DescMessage, O extends DescMessage, R>(
  method: UnaryMethod<I, O>,
  handle: (request: MessageShape<I>, metadata: grpc.Metadata) => Effect.Effect<MessageInitShape<O>, RpcError, R>
): Route<R> => ({ method, handle: handle as Route<R>["handle"] })

/**
 * @since 0.1.0
 * @category errors
 */
export const unimplemented = (method: string, why: string): RpcError =>
  new RpcError({ code: Code.UNIMPLEMENTED, method, message: why })

/**
 * @since 0.1.0
 * @category options
 */
export interface ServeOptions {
  /** How long closing waits for calls in flight; default 10 s. */
  readonly drainMillis?: number
}

const statusOf = (error: RpcError): Partial<grpc.StatusObject> => {
  const metadata = new grpc.Metadata()
  if (error.reason !== undefined) metadata.set(REASON_KEY, error.reason)
  return { code: error.code, details: error.message, metadata }
}

const SERVER_SPAN = { kind: "server" } as const

const handlerOf = <R>(route: Route<R>, context: Context.Context<R>): grpc.handleUnaryCall<Buffer, Buffer> => {
  const label = labelOf(route.method)
  const spanName = pathOf(route.method).slice(1)
  const run = Effect.runCallbackWith(context)
  return (call, callback) => {
    let request: unknown
    try {
      request = decode(route.method.input, call.request)
    } catch (cause) {
      callback({
        code: Code.INVALID_ARGUMENT,
        details: `The ${label} request is not a valid ${route.method.input.typeName} message: ${
          cause instanceof Error ? cause.message : String(cause)
        }.`
      })
      return
    }
    const parent = parseTraceparent(call.metadata.get("traceparent")[0])
    const effect = route.handle(request as never, call.metadata).pipe(
      Effect.withSpan(spanName, parent === undefined ? SERVER_SPAN : { ...SERVER_SPAN, parent }, NO_STACK)
    )
    const interrupt = run(effect, {
      onExit: (exit) => {
        if (Exit.isSuccess(exit)) {
          let bytes: Buffer
          try {
            bytes = encode(route.method.output, exit.value as never)
          } catch (cause) {
            run(Effect.logError(`${label} produced a response that cannot be encoded`, cause))
            callback({ code: Code.INTERNAL, details: `${label} produced a response that cannot be encoded.` })
            return
          }
          callback(null, bytes)
          return
        }
        const failure = Cause.findErrorOption(exit.cause)
        if (failure._tag === "Some") callback(statusOf(failure.value))
        else if (Cause.hasInterruptsOnly(exit.cause)) callback({ code: Code.CANCELLED, details: `${label} was cancelled.` })
        else {
          run(Effect.logError(`${label} failed with an unexpected error`, exit.cause))
          callback({ code: Code.INTERNAL, details: `${label} failed with an internal error (see the provider's log).` })
        }
      }
    })
    call.on("cancelled", () => interrupt())
  }
}

const identity = (bytes: Buffer): Buffer => bytes

/**
 * Serves the routes on a unix socket until the scope closes (see the module
 * doc for draining). A stale socket file at the path is replaced.
 *
 * @since 0.1.0
 * @category serving
 */
export const serve = <R>(
  socketPath: string,
  routes: ReadonlyArray<Route<R>>,
  options: ServeOptions = {}
): Effect.Effect<void, RpcError, R | Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<R>()
    const server = new grpc.Server({
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES
    })
    for (const route of routes) {
      server.register(pathOf(route.method), handlerOf(route, context), identity, identity, "unary")
    }
    rmSync(socketPath, { force: true })
    yield* Effect.acquireRelease(
      Effect.callback<void, RpcError>((resume) => {
        server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => {
          resume(
            error === null ? Effect.void : Effect.fail(
              new RpcError({
                code: Code.UNAVAILABLE,
                method: "listen",
                message: `Cannot listen on the socket ${socketPath}: ${error.message}.`
              })
            )
          )
        })
      }),
      () => drain(server, socketPath, options.drainMillis ?? 10_000)
    )
  })

const drain = (server: grpc.Server, socketPath: string, drainMillis: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    // Calls still running at the deadline are cut; forceShutdown may not call tryShutdown's callback.
    const timer = setTimeout(() => {
      server.forceShutdown()
      resume(Effect.void)
    }, drainMillis)
    server.tryShutdown(() => {
      clearTimeout(timer)
      resume(Effect.void)
    })
  }).pipe(Effect.ensuring(Effect.sync(() => rmSync(socketPath, { force: true }))))
