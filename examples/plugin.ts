// An integration plugin served over gRPC (the Gestalt provider protocol).
// Its operations' input and output are Schemas; the catalog is derived from
// them. The handler uses the Cache service, given by the layer at serve time.
//   node src/programs/cli/main.ts plugin catalog node src/programs/plugin/main.ts examples/plugin.ts
//   node src/programs/cli/main.ts plugin invoke node src/programs/plugin/main.ts examples/plugin.ts \
//     count --params '{"text":"to be or not to be"}'
import { Effect, Option, Schema } from "effect"
import { Cache, MemoryCache, Plugin, Provider } from "../src/index.ts"

const count = Plugin.operation({
  id: "count",
  title: "Count words",
  description: "Counts the words of a text, and the distinct ones.",
  readOnly: true,
  input: Schema.Struct({ text: Schema.String.annotate({ description: "The text to count." }) }),
  output: Schema.Struct({ words: Schema.Int, distinct: Schema.Int, cached: Schema.Boolean }),
  handler: ({ text }) =>
    Effect.gen(function*() {
      const cache = yield* Cache.Cache
      const seen = yield* cache.get(`count:${text}`)
      if (Option.isSome(seen)) return { ...JSON.parse(new TextDecoder().decode(seen.value)), cached: true }
      const words = text.split(/\s+/).filter((word) => word !== "")
      const result = { words: words.length, distinct: new Set(words.map((word) => word.toLowerCase())).size }
      yield* cache.set(`count:${text}`, new TextEncoder().encode(JSON.stringify(result)), { ttl: "10 minutes" })
      return { ...result, cached: false }
    })
})

export const plugin = Plugin.make({ name: "wordcount", displayName: "Word count", operations: [count] })

export default Provider.integration(plugin, MemoryCache.layer())
