import { Effect, Schema, JsonSchema } from "effect"
import * as Mapper from "../src/layers/ObjectMapperLive.ts"
import { ObjectMapper } from "../src/services/ObjectMapper.ts"
import { resolveUrl } from "../src/services/StorageUrl.ts"
const S = Schema.Struct({ req: Schema.Number, zeta: Schema.optionalKey(Schema.Number).pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))), alpha: Schema.optional(Schema.String).pipe(Schema.withDecodingDefault(Effect.succeed("x"))) }).annotate({description: "A thing"})
const prog = Effect.gen(function*() {
  const m = yield* ObjectMapper
  const d = yield* m.deserialize(S, { req: 1 })
  console.log(d, Schema.encodeSync(S)(d))
  const e = yield* Effect.flip(m.deserialize(S, { req: "a", extra: 2 }))
  console.log(e.message)
  const doc = Schema.toJsonSchemaDocument(S)
  console.log(JSON.stringify(doc), JSON.stringify(JsonSchema.toDocumentDraft07(doc)))
})
Effect.runPromise(prog.pipe(Effect.provide(Mapper.layer))).catch(e => console.error("ERR", e))
