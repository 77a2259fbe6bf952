import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schema, Stream } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as Gcs from "../../../src/providers/storage/gcs.ts"
import type { CredentialsProviderShape } from "../../../src/services/Credentials.ts"
import { testStorageProvider } from "../../../src/testing/StorageProviderSuite.ts"
import { startGcsServer } from "../../support/gcsServer.ts"
import type { GcsServer } from "../../support/gcsServer.ts"
import { freePort } from "../../support/ports.ts"

const MiB = 1024 * 1024
const text = (s: string) => new TextEncoder().encode(s)
const decode = Schema.decodeUnknownEffect(Gcs.factory.options)
const TOKEN = "ya29.the-right-token"

const bearer = (token: string): CredentialsProviderShape => ({
  get: Effect.succeed({ accessKey: Redacted.make(""), secretKey: Redacted.make(""), token: Redacted.make(token) }),
  refresh: Effect.void
})

// The in-repo GCS JSON API server (test/support/gcsServer.ts): it checks our
// request shapes, not Google's server.
let open: GcsServer | undefined
let locked: GcsServer | undefined
const server = () => open ?? assert.fail("the GCS test server is not running")
const lockedServer = () => locked ?? assert.fail("the GCS test server is not running")
beforeAll(async () => {
  open = await startGcsServer()
  locked = await startGcsServer({ requireToken: TOKEN })
  for (const name of ["suite", "prefixed"]) await open.createBucket(name)
  await locked.createBucket("private")
})
afterAll(async () => {
  await open?.stop()
  await locked?.stop()
})

testStorageProvider(
  "gcs (in-repo JSON API server, prefix)",
  Layer.unwrap(Effect.suspend(() => decode({ base_path: "suite/a/prefix", endpoint_url: server().endpoint, multipart_threshold: MiB })).pipe(
    Effect.map((options) => Gcs.layer(options, { profile: "gcs-test" }))
  )),
  // The server keeps objects whole and checksums them: 32 MiB is enough to see any buffering.
  { largeObjectBytes: 32 * MiB }
)

describe("gcs provider", () => {
  it.effect("sends the credentials provider's token and uses resumable uploads for streams", () =>
    Effect.gen(function*() {
      const p = yield* Gcs.make(yield* decode({ base_path: "private", endpoint_url: lockedServer().endpoint }), { profile: "p", credentials: bearer(TOKEN) })
      yield* p.put("small", text("multipart"))
      yield* p.put("streamed", Stream.make(text("resum"), text("able")))
      assert.strictEqual(new TextDecoder().decode(yield* p.getBytes("streamed")), "resumable")
      const uploads = (yield* Effect.promise(lockedServer().requests)).filter((r) => r.startsWith("POST /upload") || r.startsWith("PUT /upload"))
      assert.deepStrictEqual(uploads, ["POST /upload/storage/v1/b/private/o", "POST /upload/storage/v1/b/private/o", "PUT /upload/storage/v1/b/private/o"])
    }))

  it.effect("fails with PermissionDenied naming the profile, never the token, for a wrong or missing token", () =>
    Effect.gen(function*() {
      const wrong = "ya29.a-wrong-token-value"
      for (const context of [{ profile: "locked-out", credentials: bearer(wrong) }, { profile: "locked-out" }]) {
        const p = yield* Gcs.make(yield* decode({ base_path: "private", endpoint_url: lockedServer().endpoint }), context)
        for (const attempt of [p.put("x", text("x")), p.getBytes("x"), Stream.runDrain(p.list())]) {
          const error = yield* Effect.flip(attempt)
          assert.strictEqual(error.reason, "PermissionDenied", error.message)
          assert.include(error.message, "locked-out")
          for (const secret of [wrong, TOKEN]) {
            assert.notInclude(String(error), secret)
            assert.notInclude(JSON.stringify(error), secret)
          }
        }
      }
    }))

  it.effect("fails with NotFound naming a missing bucket", () =>
    Effect.gen(function*() {
      const p = yield* Gcs.make(yield* decode({ base_path: "no-such-bucket", endpoint_url: server().endpoint }), { profile: "p" })
      for (const attempt of [p.put("x", text("x")), p.head("x"), p.getBytes("x"), Stream.runDrain(p.list())]) {
        const error = yield* Effect.flip(attempt)
        assert.strictEqual(error.reason, "NotFound")
        assert.include(error.message, "no-such-bucket")
      }
    }))

  it.effect("keeps objects under the prefix", () =>
    Effect.gen(function*() {
      const inner = yield* Gcs.make(yield* decode({ base_path: "prefixed/in/side", endpoint_url: server().endpoint }), { profile: "p" })
      const outer = yield* Gcs.make(yield* decode({ base_path: "prefixed", endpoint_url: server().endpoint }), { profile: "p" })
      yield* inner.put("k", text("x"))
      assert.deepStrictEqual((yield* Stream.runCollect(outer.list())).map((e) => e.key), ["in/side/k"])
    }))

  it.effect("maps an endpoint nobody listens on to Unavailable", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const p = yield* Gcs.make(yield* decode({ base_path: "b", endpoint_url: `http://127.0.0.1:${port}` }), { profile: "offline" })
      const error = yield* Effect.flip(p.head("x"))
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, "offline")
    }))

  it.effect("refuses unknown options and a base path without a bucket", () =>
    Effect.gen(function*() {
      const unknown = yield* Effect.flip(decode({ base_path: "b", endpoint: "x" }))
      assert.include(unknown.message, "Unknown option 'endpoint'")
      const empty = yield* Effect.flip(Gcs.make(yield* decode({ base_path: "" }), { profile: "p" }))
      assert.include(empty.message, "must name a bucket")
    }))
})
