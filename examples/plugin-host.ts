// The host side: launch examples/plugin.ts as a provider process and use it
// through the PluginClient service, as any other layer.
// Run with: node examples/plugin-host.ts
import { Effect } from "effect"
import { fileURLToPath } from "node:url"
import { PluginClient, RemoteProvider } from "../src/index.ts"

const Wordcount = RemoteProvider.plugin({
  name: "wordcount",
  command: process.execPath,
  args: [fileURLToPath(new URL("../src/programs/plugin/main.ts", import.meta.url)), fileURLToPath(new URL("plugin.ts", import.meta.url))]
})

const program = Effect.gen(function*() {
  const client = yield* PluginClient.PluginClient
  const catalog = yield* client.catalog
  const first = yield* client.invoke("count", { text: "to be or not to be" })
  const again = yield* client.invoke("count", { text: "to be or not to be" })
  const bad = yield* client.invoke("count", {})
  return [catalog.operations.map((op) => op.id).join(","), first.body, again.body, `${bad.status} ${bad.body}`].join("\n")
})

program.pipe(Effect.scoped, Effect.provide(Wordcount), Effect.runPromise).then(console.log)
