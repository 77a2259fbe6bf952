import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { HttpServer } from "effect/http"
import { decode as decodeCbor, encode as encodeCbor } from "../../../src/layers/artifacts/cbor.ts"
import { layerServer } from "../../../src/programs/artifacts/server.ts"
import { artifactsLayer, clientLayer, scratchDir } from "../../layers/artifacts/artifactsHarness.ts"

const basic = (password: string) => `Basic ${Buffer.from(`:${password}`).toString("base64")}`

const PERMISSIONS = [
  { password: Redacted.make("reader-pw"), allow: ["read"] as const },
  { password: Redacted.make("admin-pw"), allow: ["read", "write", "delete"] as const }
]

/** Runs `body` against a real server on 127.0.0.1 with its base URL. */
const withServer = <A>(body: (base: string) => Promise<A>, permissions: typeof PERMISSIONS | "open" = PERMISSIONS) => {
  const dir = scratchDir()
  const root = `${dir}/root`
  const server = layerServer({ host: "127.0.0.1", port: 0, permissions: permissions === "open" ? undefined : permissions }).pipe(
    Layer.provide(artifactsLayer(root, clientLayer(dir)))
  )
  return Effect.gen(function*() {
    const { address } = yield* HttpServer.HttpServer
    if (address._tag !== "InetAddressV4" && address._tag !== "InetAddressV6") throw new Error("expected a TCP address")
    return yield* Effect.promise(() => body(`http://127.0.0.1:${address.port}`))
  }).pipe(Effect.provide(server))
}

const request = (base: string, path: string, init: RequestInit & { password?: string } = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: { ...(init.password === undefined ? {} : { authorization: basic(init.password) }), ...(init.headers as Record<string, string> | undefined) }
  })

describe("artifacts HTTP API", () => {
  it.live("builds by POSTed CBOR spec, lists and serves entries, deletes", () =>
    withServer(async (base) => {
      const spec = encodeCbor({ type: "Sum", values: [1, 2, 3] })
      const created = await request(base, "/artifacts", { method: "POST", body: spec, password: "admin-pw" })
      assert.strictEqual(created.status, 201)
      assert.strictEqual(created.headers.get("location"), "/artifacts/Sum_0000")
      const again = await request(base, "/artifacts", { method: "POST", body: spec, password: "admin-pw" })
      assert.strictEqual(again.headers.get("location"), "/artifacts/Sum_0000")

      const rootListing = await request(base, "/artifacts", { password: "reader-pw" })
      assert.strictEqual(rootListing.status, 200)
      assert.strictEqual(rootListing.headers.get("content-type"), "application/cbor")
      assert.strictEqual(rootListing.headers.get("access-control-allow-origin"), "*")
      assert.deepStrictEqual(decodeCbor(new Uint8Array(await rootListing.arrayBuffer())), { _meta_: null, Sum_0000: null })

      const artifact = decodeCbor(new Uint8Array(await (await request(base, "/artifacts/Sum_0000", { password: "reader-pw" })).arrayBuffer())) as Record<string, unknown>
      assert.deepStrictEqual(Object.keys(artifact), ["_meta_", "log", "total"])
      assert.deepStrictEqual((artifact["_meta_"] as { spec: unknown }).spec, { type: "Sum", values: [1, 2, 3], scale: 1, delayMs: 0 })

      const total = await request(base, "/artifacts/Sum_0000/total", { password: "reader-pw" })
      assert.strictEqual(total.headers.get("content-type"), "application/json")
      assert.strictEqual((await total.text()).trim(), "6")
      const modified = total.headers.get("last-modified")
      assert.isNotNull(modified)
      const later = new Date(Date.parse(modified!) + 5000).toUTCString()
      assert.strictEqual((await request(base, "/artifacts/Sum_0000/total", { password: "reader-pw", headers: { "if-modified-since": later } })).status, 304)

      const options = await request(base, "/artifacts/Sum_0000", { method: "OPTIONS", password: "reader-pw" })
      assert.strictEqual(options.status, 204)
      assert.strictEqual(options.headers.get("allow"), "OPTIONS, HEAD, GET, POST, DELETE")

      assert.strictEqual((await request(base, "/artifacts/Sum_0000", { method: "DELETE", password: "admin-pw" })).status, 204)
      const gone = await request(base, "/artifacts/Sum_0000", { password: "reader-pw" })
      assert.strictEqual(gone.status, 404)
      assert.strictEqual(await gone.text(), "There is no artifact or file at /artifacts/Sum_0000.")
      assert.strictEqual((await request(base, "/artifacts/Sum_0000", { method: "DELETE", password: "admin-pw" })).status, 404)
    }))

  it.live("checks permissions before routing, in constant time, with Basic auth and an empty user", () =>
    withServer(async (base) => {
      assert.strictEqual((await request(base, "/artifacts")).status, 401)
      assert.strictEqual((await request(base, "/artifacts", { password: "wrong" })).status, 401)
      const readerPost = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Sum", values: [] }), password: "reader-pw" })
      assert.strictEqual(readerPost.status, 401)
      assert.strictEqual(await readerPost.text(), "")
      assert.strictEqual((await request(base, "/artifacts", { method: "PUT", password: "admin-pw" })).status, 401)
      assert.strictEqual((await request(base, "/nowhere", { password: "reader-pw" })).status, 404)
      assert.strictEqual((await request(base, "/artifacts/x", { method: "DELETE", password: "reader-pw" })).status, 401)
    }))

  it.live("refuses paths outside the root and malformed specs with a sentence", () =>
    withServer(async (base) => {
      const escape = await request(base, "/artifacts/..%2F..%2Fetc%2Fpasswd", { password: "reader-pw" })
      assert.strictEqual(escape.status, 403)
      assert.match(await escape.text(), /leaves the artifact root/)
      const notCbor = await request(base, "/artifacts", { method: "POST", body: "{not cbor", password: "admin-pw" })
      assert.strictEqual(notCbor.status, 400)
      assert.match(await notCbor.text(), /^The request body is not one CBOR-encoded spec/)
      const unknown = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Nope" }), password: "admin-pw" })
      assert.strictEqual(unknown.status, 400)
      assert.strictEqual(await unknown.text(), `The spec's type "Nope" is not in scope (known: Sum, Flaky, Scaled).`)
      const badField = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Sum", values: "x" }), password: "admin-pw" })
      assert.strictEqual(badField.status, 400)
      assert.match(await badField.text(), /^The Sum spec is not valid: values: /)
      const failed = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Flaky", fail: true }), password: "admin-pw" })
      assert.strictEqual(failed.status, 500)
      assert.strictEqual(await failed.text(), "The build of Flaky_0000 failed: the input was refused")
    }))

  it.live("builds a POSTed spec at its _path_, and refuses a _path_ not under @/ with 403", () =>
    withServer(async (base) => {
      const spec = encodeCbor({ type: "Sum", _path_: "@/runs/first", values: [4] })
      const created = await request(base, "/artifacts", { method: "POST", body: spec, password: "admin-pw" })
      assert.strictEqual(created.status, 201)
      assert.strictEqual(created.headers.get("location"), "/artifacts/runs/first")
      const again = await request(base, "/artifacts", { method: "POST", body: spec, password: "admin-pw" })
      assert.strictEqual(again.headers.get("location"), "/artifacts/runs/first")
      const listing = decodeCbor(new Uint8Array(await (await request(base, "/artifacts/runs/first", { password: "reader-pw" })).arrayBuffer())) as Record<string, unknown>
      assert.deepStrictEqual((listing["_meta_"] as { spec: unknown }).spec, { type: "Sum", _path_: "@/runs/first", values: [4], scale: 1, delayMs: 0 })
      for (const path of ["/tmp/elsewhere", "~/elsewhere", "@/../elsewhere"]) {
        const refused = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Sum", _path_: path, values: [4] }), password: "admin-pw" })
        assert.strictEqual(refused.status, 403, path)
      }
      const other = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Sum", _path_: "@/runs/first", values: [5] }), password: "admin-pw" })
      assert.strictEqual(other.status, 400)
      assert.match(await other.text(), /^Incompatible files exist at runs\/first/)
    }))

  it.live("serves the spec schemas as Artisan names them", () =>
    withServer(async (base) => {
      const spec = await request(base, "/schemas/spec", { password: "reader-pw" })
      assert.strictEqual(spec.status, 200)
      assert.strictEqual(spec.headers.get("content-type"), "application/schema+json")
      const schema = await spec.json() as { $schema: string; oneOf: Array<unknown> }
      assert.strictEqual(schema.$schema, "http://json-schema.org/draft-07/schema#")
      assert.strictEqual(schema.oneOf.length, 3)
      assert.strictEqual(((await (await request(base, "/schemas/spec-list", { password: "reader-pw" })).json()) as { type: string }).type, "array")
      assert.strictEqual((await request(base, "/schemas/other", { password: "reader-pw" })).status, 404)
      assert.strictEqual((await request(base, "/schemas/spec", { method: "POST", password: "admin-pw" })).status, 405)
    }))

  it.live("is open to everyone by default (Artisan's policy) and answers HEAD with headers only", () =>
    withServer(async (base) => {
      const created = await request(base, "/artifacts", { method: "POST", body: encodeCbor({ type: "Sum", values: [2] }) })
      assert.strictEqual(created.status, 201)
      const head = await request(base, "/artifacts/Sum_0000/log", { method: "HEAD" })
      assert.strictEqual(head.status, 200)
      assert.strictEqual(head.headers.get("content-type"), "text/plain; charset=utf-8")
      assert.strictEqual(await head.text(), "")
      assert.strictEqual(await (await request(base, "/artifacts/Sum_0000/log")).text(), "summed 1 values")
      assert.strictEqual((await request(base, "/artifacts/Sum_0000", { method: "DELETE" })).status, 204)
    }, "open"))
})
