// The lifecycle and the integration service's hooks, served in this process
// over a real unix socket: configure and health hooks, version checks,
// unsupported hooks.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Channel from "../../src/protocol/client/channel.ts"
import { Code } from "../../src/protocol/codecs/status.ts"
import { IntegrationProvider } from "../../src/protocol/gen/gestalt/provider/v1/plugin_pb.ts"
import { ProviderKind, ProviderLifecycle } from "../../src/protocol/gen/gestalt/provider/v1/runtime_pb.ts"
import * as Provider from "../../src/programs/plugin/Provider.ts"
import { serveProvider } from "../../src/programs/plugin/runtime.ts"
import * as Plugin from "../../src/services/Plugin.ts"

class NotConfigurable extends Schema.TaggedError<NotConfigurable>()("NotConfigurable", { message: Schema.String }) {}

const plugin = Plugin.make({
  name: "hooks",
  operations: [],
  configure: (name, config) =>
    config["fail"] === true ? Effect.fail(new NotConfigurable({ message: `${name} cannot be configured so` })) : Effect.void,
  healthCheck: Effect.fail(new NotConfigurable({ message: "the backend is down" }))
})

const op = (id: string) =>
  Plugin.operation({ id, input: Schema.Struct({}), output: Schema.Struct({}), handler: () => Effect.succeed({}) })

const connect = Effect.gen(function*() {
  const socket = join(mkdtempSync(join(tmpdir(), "strata-lifecycle-")), "plugin.sock")
  yield* serveProvider(Provider.integration(plugin), { socket })
  return yield* Channel.open(socket)
})

describe("provider lifecycle", () => {
  it.live("identity, configure hook failures as UNKNOWN, health failures as not ready", () =>
    Effect.gen(function*() {
      const channel = yield* connect
      const identity = yield* channel.unary(ProviderLifecycle.method.getProviderIdentity, {})
      assert.strictEqual(identity.kind, ProviderKind.INTEGRATION)
      assert.deepStrictEqual([identity.minProtocolVersion, identity.maxProtocolVersion], [3, 3])
      const ok = yield* channel.unary(ProviderLifecycle.method.configureProvider, { name: "hooks", protocolVersion: 3 })
      assert.strictEqual(ok.protocolVersion, 3, "an absent config is {}")
      const failed = yield* Effect.flip(
        channel.unary(ProviderLifecycle.method.configureProvider, { name: "hooks", protocolVersion: 3, config: { fail: true } })
      )
      assert.strictEqual(failed.code, Code.UNKNOWN)
      assert.strictEqual(failed.message, "configure: hooks cannot be configured so")
      const health = yield* channel.unary(ProviderLifecycle.method.healthCheck, {})
      assert.deepStrictEqual([health.ready, health.message], [false, "the backend is down"])
    }).pipe(Effect.scoped))

  it.live("the integration service checks the version and refuses unsupported hooks", () =>
    Effect.gen(function*() {
      const channel = yield* connect
      const wrong = yield* Effect.flip(channel.unary(IntegrationProvider.method.startProvider, { name: "hooks", protocolVersion: 4 }))
      assert.strictEqual(wrong.code, Code.FAILED_PRECONDITION)
      assert.strictEqual(wrong.message, "host requested protocol version 4, provider requires 3")
      const session = yield* Effect.flip(channel.unary(IntegrationProvider.method.getSessionCatalog, {}))
      assert.strictEqual(session.code, Code.UNIMPLEMENTED)
      assert.strictEqual(session.message, "Plugin 'hooks' has no session catalog.")
      const postConnect = yield* Effect.flip(channel.unary(IntegrationProvider.method.postConnect, {}))
      assert.strictEqual(postConnect.code, Code.UNIMPLEMENTED)
      const metadata = yield* channel.unary(IntegrationProvider.method.getMetadata, {})
      assert.deepStrictEqual([metadata.name, metadata.supportsSessionCatalog, metadata.maxProtocolVersion], ["hooks", false, 3])
    }).pipe(Effect.scoped))

  it("refuses plugin definitions with duplicate or malformed operation ids", () => {
    assert.throws(() => Plugin.make({ name: "p", operations: [op("a"), op(" a ")] }), "Plugin 'p' defines the operation 'a' twice.")
    assert.throws(() => Plugin.make({ name: "p", operations: [op("a b")] }), /The operation id 'a b' of plugin 'p' is not valid/)
    assert.throws(() => Plugin.make({ name: " ", operations: [] }), "A plugin needs a non-empty name.")
  })
})
