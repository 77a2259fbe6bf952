// Interoperability with Gestalt's own TypeScript SDK (not part of this
// repository): our host runs providers written with it, and its clients
// call our providers. It needs Bun and a checkout of the SDK with its
// dependencies installed:
//   STRATA_GESTALT_SDK=/path/to/gestalt/sdk/typescript (after `bun install` there)
//   STRATA_BUN=/path/to/bun (npm install bun@1.4.5; 1.3.x cannot serve grpc-js clients)
// Without them the tests are skipped with a message (they are not run by CI).
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Remote from "../../../src/programs/plugin/layers.ts"
import { Cache } from "../../../src/services/Cache.ts"
import { PluginClient } from "../../../src/services/PluginClient.ts"
import { fixture } from "./providers.ts"

const SDK = process.env["STRATA_GESTALT_SDK"] ?? ""
const BUN = process.env["STRATA_BUN"] ?? ""
const available = SDK !== "" && BUN !== "" && existsSync(join(SDK, "src/runtime.ts")) && existsSync(BUN)
if (!available) {
  console.warn("gestalt interop: skipped; set STRATA_GESTALT_SDK (Gestalt's sdk/typescript, installed) and STRATA_BUN to run it.")
}
const gestaltProvider = (name: string) => ({
  command: BUN,
  args: [join(SDK, "src/runtime.ts"), join(SDK, "tests/fixtures", name), ""]
})

describe.skipIf(!available)("Gestalt TypeScript SDK interop", () => {
  it.live("our host runs a Gestalt cache provider as a Cache", () =>
    Effect.gen(function*() {
      const cache = yield* Cache
      yield* cache.set("a", new TextEncoder().encode("alpha"), { ttl: "1 minute" })
      yield* cache.setMany([["b", new Uint8Array([0, 255])]])
      assert.strictEqual(new TextDecoder().decode(Option.getOrThrow(yield* cache.get("a"))), "alpha")
      assert.deepStrictEqual([...(yield* cache.getMany(["a", "b", "missing"])).keys()], ["a", "b"])
      assert.isTrue(yield* cache.delete("a"))
      assert.strictEqual(yield* cache.deleteMany(["b", "b", "zzz"]), 1)
    }).pipe(Effect.provide(Remote.cache({ name: "fixture", ...gestaltProvider("cache-provider"), config: { prefix: "p" } }))), {
    timeout: 60_000
  })

  it.live("our host runs a Gestalt plugin: catalog and operations", () =>
    Effect.gen(function*() {
      const client = yield* PluginClient
      const catalog = yield* client.catalog
      assert.deepStrictEqual(catalog.operations.map((op) => op.id), ["hello", "count"])
      const hello = yield* client.invoke("hello", { name: "Ada", excited: true }, { connectionParams: { region: "eu" } })
      assert.strictEqual(hello.status, 200)
      assert.include(JSON.parse(hello.body), { message: "Hello, Ada!", configuredName: "fixture", region: "eu", configuredRegion: "us" })
      assert.strictEqual((yield* client.invoke("nope", {})).status, 404)
    }).pipe(Effect.provide(Remote.plugin({ name: "fixture", ...gestaltProvider("basic-provider"), config: { region: "us" } }))), {
    timeout: 60_000
  })

  it("Gestalt's clients call our providers", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-interop-"))
    const sockets = { cache: join(dir, "cache.sock"), plugin: join(dir, "plugin.sock") }
    const main = new URL("../../../src/programs/plugin/main.ts", import.meta.url).pathname
    const providers = [
      spawn(process.execPath, [main, fixture("memoryCache")], { env: { ...process.env, GESTALT_PLUGIN_SOCKET: sockets.cache } }),
      spawn(process.execPath, [main, fixture("greeter")], { env: { ...process.env, GESTALT_PLUGIN_SOCKET: sockets.plugin } })
    ]
    try {
      for (let i = 0; i < 1200 && !(existsSync(sockets.cache) && existsSync(sockets.plugin)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const script = join(SDK, ".strata-interop.ts")
      writeFileSync(script, CLIENT_SCRIPT)
      const run = spawnSync(BUN, [script, sockets.cache, sockets.plugin], { cwd: SDK, encoding: "utf8", timeout: 60_000 })
      assert.strictEqual(run.status, 0, run.stderr)
      assert.deepStrictEqual(JSON.parse(run.stdout), {
        identity: { kind: "CACHE", min: 3, max: 3 },
        wrongVersion: "[failed_precondition] host requested protocol version 2, provider requires 3",
        configured: 3,
        get: "v",
        getMany: ["a", "b"],
        deleted: true,
        touch: false,
        started: 3,
        execute: { status: 200, body: JSON.stringify({ message: "Hello, Gestalt." }) },
        badParams: 400
      })
    } finally {
      for (const child of providers) child.kill("SIGTERM")
    }
  })
})

// Runs under Bun in the SDK's directory: its Cache client and connect-node
// clients with its generated descriptors.
const CLIENT_SCRIPT = `
import { connect } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Cache } from "./src/cache.ts";
import { ProviderLifecycle, ProviderKind } from "./src/internal/gen/v1/runtime_pb.ts";
import { IntegrationProvider } from "./src/internal/gen/v1/plugin_pb.ts";
const [cacheSocket, pluginSocket] = process.argv.slice(2);
const transport = (path) => createGrpcTransport({ baseUrl: "http://localhost", nodeOptions: { createConnection: () => connect({ path }) } });
const out = {};
const lifecycle = createClient(ProviderLifecycle, transport(cacheSocket));
const identity = await lifecycle.getProviderIdentity({});
out.identity = { kind: ProviderKind[identity.kind], min: identity.minProtocolVersion, max: identity.maxProtocolVersion };
try { await lifecycle.configureProvider({ name: "memory", protocolVersion: 2 }); } catch (error) { out.wrongVersion = error.message; }
out.configured = (await lifecycle.configureProvider({ name: "memory", protocolVersion: 3 })).protocolVersion;
process.env.GESTALT_CACHE_SOCKET = cacheSocket;
const cache = new Cache();
await cache.set("k", new TextEncoder().encode("v"), { ttlMs: 60000 });
await cache.setMany([{ key: "a", value: new Uint8Array([1]) }, { key: "b", value: new Uint8Array([2]) }]);
out.get = new TextDecoder().decode(await cache.get("k"));
out.getMany = Object.keys(await cache.getMany(["a", "b", "zzz"]));
out.deleted = await cache.delete("k");
out.touch = await cache.touch("zzz", 1000);
const plugin = createClient(IntegrationProvider, transport(pluginSocket));
out.started = (await plugin.startProvider({ name: "greeter", protocolVersion: 3 })).protocolVersion;
const result = await plugin.execute({ operation: "greet", params: { name: "Gestalt" } });
out.execute = { status: result.status, body: result.body };
out.badParams = (await plugin.execute({ operation: "greet", params: {} })).status;
console.log(JSON.stringify(out));
`
