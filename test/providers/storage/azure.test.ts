import { assert, describe, it } from "@effect/vitest"
import { BlobServiceClient } from "@azure/storage-blob"
import { Effect, Layer, Redacted, Schema, Stream } from "effect"
import * as http from "node:http"
import * as net from "node:net"
import * as Azure from "../../../src/providers/storage/azure.ts"
import type { CredentialsProviderShape } from "../../../src/services/Credentials.ts"
import { StorageProvider } from "../../../src/services/StorageProvider.ts"
import { testStorageProvider } from "../../../src/testing/StorageProviderSuite.ts"
import { AZURITE_KEY, describeAzurite } from "../../support/azuriteServer.ts"
import { freePort } from "../../support/ports.ts"

const MiB = 1024 * 1024
const text = (s: string) => new TextEncoder().encode(s)

/** Small blocks, so the suite's large object goes through staged blocks in bounded memory. */
const tuning = { multipart_threshold: 2 * MiB, multipart_chunksize: 2 * MiB, max_concurrency: 2 }

const decode = Schema.decodeUnknownEffect(Azure.factory.options)

const createContainer = (connectionString: string, name: string) =>
  Effect.promise(() => BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name).createIfNotExists())

const staticConnection = (connection: string): CredentialsProviderShape => ({
  get: Effect.succeed({ accessKey: Redacted.make(connection), secretKey: Redacted.make("") }),
  refresh: Effect.void
})

describeAzurite("azure provider (Azurite)", (server) => {
  testStorageProvider(
    "azure (Azurite, account key, prefix)",
    Layer.unwrap(Effect.gen(function*() {
      yield* createContainer(server().connectionString, "suite")
      const options = yield* decode({ base_path: "suite/under/a/prefix", endpoint_url: server().endpoint, account_key: AZURITE_KEY, ...tuning })
      return Azure.layer(options, { profile: "azurite" })
    })),
    { largeObjectBytes: 48 * MiB }
  )

  it.effect("takes the connection string from the profile's credentials provider", () =>
    Effect.gen(function*() {
      yield* createContainer(server().connectionString, "creds")
      const options = yield* decode({ base_path: "creds", endpoint_url: "https://ignored.blob.core.windows.net" })
      const p = yield* Azure.make(options, { profile: "creds", credentials: staticConnection(server().connectionString) })
      yield* p.put("a.txt", text("via credentials"))
      assert.strictEqual(new TextDecoder().decode(yield* p.getBytes("a.txt")), "via credentials")
    }))

  it.effect("keeps objects under the prefix: the same container seen without it shows the full names", () =>
    Effect.gen(function*() {
      yield* createContainer(server().connectionString, "prefixed")
      const inner = yield* Azure.make(yield* decode({ base_path: "prefixed/in/side/", connection_string: server().connectionString }), { profile: "p" })
      const outer = yield* Azure.make(yield* decode({ base_path: "prefixed", connection_string: server().connectionString }), { profile: "p" })
      yield* inner.put("k", text("x"))
      const keys = (yield* Stream.runCollect(outer.list())).map((e) => e.key)
      assert.deepStrictEqual(keys, ["in/side/k"])
    }))

  it.effect("fails with PermissionDenied naming the profile, never the key, for a wrong account key", () =>
    Effect.gen(function*() {
      yield* createContainer(server().connectionString, "denied")
      const wrongKey = Buffer.from("not the azurite key at all, but base64").toString("base64")
      const wrong = server().connectionString.replace(AZURITE_KEY, wrongKey)
      for (const options of [
        { base_path: "denied", endpoint_url: server().endpoint, account_key: wrongKey },
        { base_path: "denied", connection_string: wrong }
      ]) {
        const p = yield* Azure.make(yield* decode(options), { profile: "locked-out" })
        for (const attempt of [p.put("x", text("x")), p.getBytes("x"), Stream.runDrain(p.list())]) {
          const error = yield* Effect.flip(attempt)
          assert.strictEqual(error.reason, "PermissionDenied", error.message)
          assert.include(error.message, "locked-out")
          for (const secret of [wrongKey, wrong, AZURITE_KEY]) {
            assert.notInclude(error.message, secret)
            assert.notInclude(String(error), secret)
            assert.notInclude(JSON.stringify(error), secret)
          }
        }
      }
    }))

  it.effect("fails with NotFound naming a missing container", () =>
    Effect.gen(function*() {
      const p = yield* Azure.make(yield* decode({ base_path: "no-such-container", connection_string: server().connectionString }), { profile: "p" })
      for (const attempt of [p.put("x", text("x")), p.getBytes("x"), Stream.runDrain(p.list())]) {
        const error = yield* Effect.flip(attempt)
        assert.strictEqual(error.reason, "NotFound")
        assert.include(error.message, "no-such-container")
      }
    }))
})

describe("azure provider without a server", () => {
  it.effect("maps an endpoint nobody listens on to Unavailable, at once", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const p = yield* Azure.make(
        yield* decode({ base_path: "c", endpoint_url: `http://127.0.0.1:${port}/devstoreaccount1`, account_key: AZURITE_KEY }),
        { profile: "offline" }
      )
      const error = yield* Effect.flip(p.head("x"))
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, "offline")
      assert.notInclude(String(error), AZURITE_KEY)
    }))

  it.live("maps an endpoint that never answers to Unavailable after the timeout", () =>
    Effect.gen(function*() {
      const sockets = new Set<net.Socket>()
      const silent = net.createServer((socket) => sockets.add(socket)) // accepts, never answers
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => { silent.listen(0, "127.0.0.1", () => resume(Effect.void)) }),
        () => Effect.sync(() => {
          for (const socket of sockets) socket.destroy()
          silent.close()
        })
      )
      const address = silent.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const p = yield* Azure.make(
        yield* decode({ base_path: "c", endpoint_url: `http://127.0.0.1:${port}/devstoreaccount1`, account_key: AZURITE_KEY, timeout: 0.5 }),
        { profile: "hung" }
      )
      const error = yield* Effect.flip(p.head("x"))
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, "0.5 s")
    }).pipe(Effect.scoped), { timeout: 10_000 })

  it.live("fails a download that stalls with Unavailable, after the timeout without data", () =>
    Effect.gen(function*() {
      const sockets = new Set<net.Socket>()
      // Answers a blob read with its headers and 10 of 100 bytes, then nothing.
      const stalling = http.createServer((_, res) => {
        res.writeHead(200, { "content-length": "100", "x-ms-blob-type": "BlockBlob", etag: "\"0x1\"" })
        res.write(Buffer.alloc(10))
      })
      stalling.on("connection", (socket) => sockets.add(socket))
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => { stalling.listen(0, "127.0.0.1", () => resume(Effect.void)) }),
        () => Effect.sync(() => {
          for (const socket of sockets) socket.destroy()
          stalling.close()
        })
      )
      const address = stalling.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const p = yield* Azure.make(
        yield* decode({ base_path: "c", endpoint_url: `http://127.0.0.1:${port}/devstoreaccount1`, account_key: AZURITE_KEY, timeout: 0.5 }),
        { profile: "stalled" }
      )
      const error = yield* Effect.flip(p.getBytes("x"))
      assert.strictEqual(error.reason, "Unavailable")
      assert.include(error.message, "sent nothing for 0.5 s")
    }).pipe(Effect.scoped), { timeout: 10_000 })

  it.effect("refuses options it does not know, and a base path without a container", () =>
    Effect.gen(function*() {
      const unknown = yield* Effect.flip(decode({ base_path: "c", endpoint: "x" }))
      assert.include(unknown.message, "Unknown option 'endpoint'")
      const empty = yield* Effect.flip(Azure.make(yield* decode({ base_path: "/", endpoint_url: "https://a.blob.core.windows.net" }), { profile: "p" }))
      assert.include(empty.message, "must name a container")
      const escape = yield* Effect.flip(Azure.make(yield* decode({ base_path: "c/../d", endpoint_url: "https://a.blob.core.windows.net" }), { profile: "p" }))
      assert.include(escape.message, "'..'")
      const noEndpoint = yield* Effect.flip(Azure.make(yield* decode({ base_path: "c" }), { profile: "p" }))
      assert.include(noEndpoint.message, "endpoint_url")
    }))

  it.effect("says a connection string is invalid without repeating it", () =>
    Effect.gen(function*() {
      const secret = "AccountName=x;AccountKey=c2VjcmV0LXNlY3JldA==;garbage"
      const error = yield* Effect.flip(Azure.make(yield* decode({ base_path: "c", connection_string: secret }), { profile: "p" }))
      assert.include(error.message, "not valid")
      assert.notInclude(String(error), "c2VjcmV0LXNlY3JldA==")
    }))

  it.effect("builds through the StorageProvider layer", () =>
    Effect.gen(function*() {
      const options = yield* decode({ base_path: "c", endpoint_url: "https://acct.blob.core.windows.net" })
      const p = yield* StorageProvider.pipe(Effect.provide(Azure.layer(options, { profile: "p" })))
      assert.strictEqual(p.type, "azure")
    }))
})
