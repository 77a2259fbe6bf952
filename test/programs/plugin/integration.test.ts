// Our host against our integration plugin in a real provider process:
// catalog, operations, failures in-band, and bad input that the provider
// survives. The same checks run against the plugin in this process
// (PluginClient.layerLocal): a remote plugin behaves as a local one.
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Remote from "../../../src/programs/plugin/layers.ts"
import { layerLocal, PluginClient } from "../../../src/services/PluginClient.ts"
import { plugin } from "./fixtures/greeter.ts"
import { serveCommand } from "./providers.ts"

const invoke = (operation: string, params: Record<string, unknown>) =>
  PluginClient.use((client) => client.invoke(operation, params))

const clients = [
  ["over gRPC (provider process)", Remote.plugin({ name: "greeter", ...serveCommand("greeter") })],
  ["in this process", layerLocal(plugin, Layer.empty)]
] as const

describe.each(clients)("integration plugin %s", (_, client) => {
  layer(client, { excludeTestServices: true, timeout: "60 seconds" })((it) => {
    it.effect("serves the catalog derived from the operations' schemas", () =>
      Effect.gen(function*() {
        const catalog = yield* PluginClient.use((client) => client.catalog)
        assert.strictEqual(catalog.name, "greeter")
        assert.strictEqual(catalog.displayName, "Greeter")
        assert.deepStrictEqual(catalog.operations.map((op) => op.id), ["greet", "slow", "teapot", "broken"])
        const greet = catalog.operations[0]!
        assert.strictEqual(greet.method, "GET", "methods are upper-cased")
        assert.strictEqual(greet.title, "Greet someone", "titles are trimmed")
        assert.isTrue(greet.readOnly)
        assert.deepStrictEqual(greet.parameters, [
          { name: "name", type: "string", description: "Who to greet.", required: true },
          { name: "excited", type: "boolean" }
        ])
        assert.deepStrictEqual(greet.inputSchema?.["required"], ["name"])
        assert.deepStrictEqual(greet.outputSchema?.["properties"], { message: { type: "string" } })
      }))

    it.effect("runs an operation and returns its output as JSON", () =>
      Effect.gen(function*() {
        const outcome = yield* invoke("greet", { name: "Ada", excited: true })
        assert.deepStrictEqual(outcome, { status: 200, body: JSON.stringify({ message: "Hello, Ada!" }) })
      }))

    it.effect("answers an unknown operation with 404 and a sentence", () =>
      Effect.gen(function*() {
        const outcome = yield* invoke("nope", {})
        assert.strictEqual(outcome.status, 404)
        assert.deepStrictEqual(JSON.parse(outcome.body), { error: "Plugin 'greeter' has no operation 'nope'." })
      }))

    it.effect("answers params that do not match the input schema with 400 naming the field", () =>
      Effect.gen(function*() {
        const missing = yield* invoke("greet", { excited: true })
        assert.strictEqual(missing.status, 400)
        assert.match(JSON.parse(missing.body).error, /^The params of operation 'greet' are not valid: Missing key at \["name"\]\.$/)
        const wrongType = yield* invoke("slow", { millis: "soon" })
        assert.strictEqual(wrongType.status, 400)
        assert.include(JSON.parse(wrongType.body).error, `["millis"]`)
        const after = yield* invoke("greet", { name: "Bo" })
        assert.strictEqual(after.status, 200, "the provider survives bad params")
      }))

    it.effect("maps a typed failure to its status and a broken output to 500", () =>
      Effect.gen(function*() {
        const teapot = yield* invoke("teapot", {})
        assert.deepStrictEqual(teapot, { status: 418, body: JSON.stringify({ error: "I am a teapot." }) })
        const broken = yield* invoke("broken", {})
        assert.strictEqual(broken.status, 500)
        assert.match(JSON.parse(broken.body).error, /^Operation 'broken' returned a value that does not match its output schema/)
      }))

    it.effect("runs calls concurrently", () =>
      Effect.gen(function*() {
        const started = Date.now()
        const outcomes = yield* Effect.forEach([300, 300, 300, 300], (millis) => invoke("slow", { millis }), {
          concurrency: "unbounded"
        })
        assert.isTrue(outcomes.every((outcome) => outcome.status === 200))
        assert.isBelow(Date.now() - started, 1200, "four 300 ms calls overlap")
      }))
  })
})
