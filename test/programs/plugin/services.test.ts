// Host services and the other provider kinds, over real sockets: a plugin
// keeps its notes in the host's cache (GESTALT_CACHE_SOCKET), a secrets
// provider process, and trace context across the gRPC hop.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Channel from "../../../src/protocol/client/channel.ts"
import * as RemotePlugin from "../../../src/protocol/client/integration.ts"
import { launch } from "../../../src/programs/plugin/host.ts"
import { socketVariable } from "../../../src/programs/plugin/hostServices.ts"
import * as Remote from "../../../src/programs/plugin/layers.ts"
import { serveProvider } from "../../../src/programs/plugin/runtime.ts"
import * as MemoryCache from "../../../src/providers/cache/memory.ts"
import { Cache } from "../../../src/services/Cache.ts"
import { Secrets } from "../../../src/services/Secrets.ts"
import * as TelemetryCapture from "../../../src/testing/TelemetryCapture.ts"
import greeter from "./fixtures/greeter.ts"
import { serveCommand } from "./providers.ts"

const socketIn = (name: string) => join(mkdtempSync(join(tmpdir(), "strata-host-")), name)

describe("host services and provider kinds", () => {
  it.live("a plugin uses the host's cache through GESTALT_CACHE_SOCKET, its keys namespaced", () =>
    Effect.gen(function*() {
      const provider = yield* launch({
        kind: "integration",
        name: "notes",
        ...serveCommand("notes"),
        hostCache: yield* Cache
      })
      const client = RemotePlugin.make(provider.channel, "notes")
      const first = yield* client.invoke("put", { key: "k", note: "first" })
      assert.deepStrictEqual(first, { status: 200, body: "{}" })
      const second = yield* client.invoke("put", { key: "k", note: "second" })
      assert.deepStrictEqual(JSON.parse(second.body), { previous: "first" })
      const stored = yield* Cache.use((cache) => cache.get("notes:k"))
      assert.strictEqual(new TextDecoder().decode(Option.getOrThrow(stored)), "second", "the host holds the note")
    }).pipe(Effect.scoped, Effect.provide(MemoryCache.layer())), { timeout: 60_000 })

  it("names binding sockets as Gestalt does", () => {
    assert.strictEqual(socketVariable("GESTALT_CACHE_SOCKET"), "GESTALT_CACHE_SOCKET")
    assert.strictEqual(socketVariable("GESTALT_CACHE_SOCKET", "sessions"), "GESTALT_CACHE_SOCKET_SESSIONS")
    assert.strictEqual(socketVariable("GESTALT_CACHE_SOCKET", " café-1 "), "GESTALT_CACHE_SOCKET_CAF__1")
  })

  it.live("a secrets provider process: values arrive redacted, a missing secret is NotFound", () =>
    Effect.gen(function*() {
      const value = yield* Secrets.use((secrets) => secrets.get("db-password"))
      assert.strictEqual(Redacted.value(value), "hunter2")
      assert.notInclude(String(value), "hunter2")
      const missing = yield* Effect.flip(Secrets.use((secrets) => secrets.get("nope")))
      assert.strictEqual(missing.reason, "NotFound")
      assert.strictEqual(missing.message, "There is no secret named 'nope'.")
    }).pipe(Effect.provide(Remote.secrets({ name: "static", ...serveCommand("secrets") }))), { timeout: 60_000 })

  it.live("trace context crosses the gRPC hop: the provider's spans join the caller's trace", () =>
    Effect.gen(function*() {
      const socket = socketIn("plugin.sock")
      yield* serveProvider(greeter, { socket })
      const channel = yield* Channel.open(socket)
      yield* RemotePlugin.make(channel, "greeter").invoke("greet", { name: "trace" }).pipe(Effect.withSpan("test.caller"))
      const spans = yield* TelemetryCapture.spans
      const byName = (name: string, kind?: string) => {
        const found = spans.find((span) => span.name === name && (kind === undefined || span.kind === kind))
        assert.isDefined(found, `span ${name} ${kind ?? ""}`)
        return found!
      }
      const caller = byName("test.caller")
      const client = byName("gestalt.provider.v1.IntegrationProvider/Execute", "client")
      const server = byName("gestalt.provider.v1.IntegrationProvider/Execute", "server")
      const execute = byName("Plugin.execute")
      assert.strictEqual(client.parentSpanId, caller.spanId)
      assert.strictEqual(server.parentSpanId, client.spanId, "the server span's parent is the client span (traceparent)")
      assert.strictEqual(execute.parentSpanId, server.spanId)
      assert.deepStrictEqual(new Set([caller, client, server, execute].map((span) => span.traceId)).size, 1)
    }).pipe(Effect.scoped, Effect.provide(Layer.fresh(TelemetryCapture.layer))), { timeout: 60_000 })
})
