// The client channel's trace context, seen by a bare grpc-js server that
// records each call's metadata: the caller's span goes along as `traceparent`
// whether or not a tracing backend is installed; a client span is made (and
// sent instead) only when one is.
import { assert, describe, it } from "@effect/vitest"
import * as grpc from "@grpc/grpc-js"
import { Effect, Layer } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Channel from "../../src/protocol/client/channel.ts"
import { decode, encode, pathOf } from "../../src/protocol/codecs/wire.ts"
import { Cache } from "../../src/protocol/gen/gestalt/provider/v1/cache_pb.ts"
import type { CacheGetRequest } from "../../src/protocol/gen/gestalt/provider/v1/cache_pb.ts"
import * as TelemetryCapture from "../../src/testing/TelemetryCapture.ts"

const get = Cache.method.get

/** A server answering Cache.Get with "not found", keeping each call's `traceparent` (or null). */
const recordingServer = Effect.acquireRelease(
  Effect.callback<{ readonly socket: string; readonly seen: Array<string | null>; readonly server: grpc.Server }, Error>(
    (resume) => {
      const seen: Array<string | null> = []
      const server = new grpc.Server()
      server.addService({
        get: {
          path: pathOf(get),
          requestStream: false,
          responseStream: false,
          requestSerialize: (message: CacheGetRequest) => encode(get.input, message),
          requestDeserialize: (bytes: Buffer) => decode(get.input, bytes),
          responseSerialize: (message: object) => encode(get.output, message),
          responseDeserialize: (bytes: Buffer) => decode(get.output, bytes)
        }
      }, {
        get: (call: grpc.ServerUnaryCall<CacheGetRequest, object>, callback: grpc.sendUnaryData<object>) => {
          const header = call.metadata.get("traceparent")[0]
          seen.push(typeof header === "string" ? header : null)
          callback(null, { found: false })
        }
      })
      const socket = join(mkdtempSync(join(tmpdir(), "strata-channel-")), "s.sock")
      server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (error) => {
        resume(error === null ? Effect.succeed({ socket, seen, server }) : Effect.fail(error))
      })
    }
  ),
  ({ server }) => Effect.sync(() => server.forceShutdown())
)

const spanIdOf = (traceparent: string | null | undefined) => traceparent?.split("-")[2]

describe("channel trace context", () => {
  it.live("without a tracing backend: no client span, the caller's span goes as traceparent, none outside a span", () =>
    Effect.gen(function*() {
      const { seen, socket } = yield* recordingServer
      const channel = yield* Channel.open(socket)
      yield* channel.unary(get, { key: "a" })
      const caller = yield* channel.unary(get, { key: "b" }).pipe(
        Effect.andThen(Effect.currentSpan),
        Effect.withSpan("test.caller")
      )
      assert.deepStrictEqual(seen[0], null, "no span, no header")
      assert.strictEqual(seen[1], `00-${caller.traceId}-${caller.spanId}-01`)
    }).pipe(Effect.scoped), { timeout: 30_000 })

  it.live("with a tracing backend: a client span under the caller's, sent as traceparent", () =>
    Effect.gen(function*() {
      const { seen, socket } = yield* recordingServer
      const channel = yield* Channel.open(socket)
      yield* channel.unary(get, { key: "b" }).pipe(Effect.withSpan("test.caller"))
      const spans = yield* TelemetryCapture.spans
      const caller = spans.find((span) => span.name === "test.caller")
      const client = spans.find((span) => span.name === "gestalt.provider.v1.Cache/Get" && span.kind === "client")
      assert.isDefined(caller)
      assert.isDefined(client)
      assert.strictEqual(client!.parentSpanId, caller!.spanId)
      assert.strictEqual(spanIdOf(seen[0]), client!.spanId)
    }).pipe(Effect.scoped, Effect.provide(Layer.fresh(TelemetryCapture.layer))), { timeout: 30_000 })
})
