// The key/value cache: a typed view over the memory provider, with TTLs.
// Run with: node examples/cache.ts (swap MemoryCache.layer() for
// RedisCache.layer({ url: "redis://127.0.0.1:6379" }) or DiskCache.layer({ directory })).
import { Effect, Layer, Option, Schema } from "effect"
import { Cache, CacheDegrade, CacheTyped, MemoryCache } from "../src/index.ts"

class Session extends Schema.Class<Session>("Session")({ user: Schema.String, roles: Schema.Array(Schema.String) }) {}

const program = Effect.gen(function*() {
  const sessions = CacheTyped.typed(yield* Cache.Cache, Session)
  yield* sessions.set("session:42", new Session({ user: "ada", roles: ["admin"] }), { ttl: "30 minutes" })
  const found = yield* sessions.get("session:42")
  const missing = yield* sessions.get("session:7")
  return `session:42 -> ${Option.match(found, { onNone: () => "miss", onSome: (s) => s.user })}; ` +
    `session:7 -> ${Option.isNone(missing) ? "miss" : "hit"}`
})

// A cache outage becomes a miss instead of failing the request.
const CacheLayer = CacheDegrade.layer().pipe(Layer.provide(MemoryCache.layer({ maxEntries: 10_000 })))
program.pipe(Effect.provide(CacheLayer), Effect.runPromise).then(console.log)
