import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Schema } from "effect"
import * as AzureCredentials from "../../../src/providers/credentials/azure.ts"

const decode = Schema.decodeUnknownEffect(AzureCredentials.factory.options)
const connection = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net"

describe("AzureCredentials", () => {
  it.effect("carries the connection string as a redacted accessKey", () =>
    Effect.gen(function*() {
      const provider = yield* AzureCredentials.factory.make(yield* decode({ connection }), { profile: "ckpt" })
      const credentials = yield* provider.get
      assert.strictEqual(Redacted.value(credentials.accessKey), connection)
      assert.notInclude(String(credentials.accessKey), "c2VjcmV0")
      assert.notInclude(JSON.stringify(credentials), "c2VjcmV0")
      yield* provider.refresh
    }).pipe(Effect.scoped))

  it.effect("refuses unknown options and an empty connection string, naming the profile", () =>
    Effect.gen(function*() {
      const unknown = yield* Effect.flip(decode({ connection, conection: "typo" }))
      assert.include(unknown.message, "Unknown option 'conection'")
      const empty = yield* Effect.flip(AzureCredentials.factory.make(yield* decode({ connection: " " }), { profile: "ckpt" }))
      assert.strictEqual(empty._tag, "CredentialsError")
      assert.include(empty.message, "ckpt")
    }).pipe(Effect.scoped))
})
