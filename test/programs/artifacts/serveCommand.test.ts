import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { decode as decodeCbor, encode as encodeCbor } from "../../../src/layers/artifacts/cbor.ts"
import { runStrata } from "../cli/cliHarness.ts"

const MAIN = fileURLToPath(new URL("../../../src/programs/cli/main.ts", import.meta.url))
const TYPES = fileURLToPath(new URL("../../../examples/artifact-types.ts", import.meta.url))

/** Starts `strata artifacts serve` and resolves with its URL and a stop function. */
const startServer = (args: ReadonlyArray<string>, cwd: string) =>
  new Promise<{ url: string; stop: () => Promise<number | null> }>((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, "--json", "artifacts", "serve", ...args], {
      cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: cwd }
    })
    let out = ""
    let err = ""
    child.stderr.on("data", (chunk) => (err += chunk))
    child.stdout.on("data", (chunk) => {
      out += chunk
      // --json prints the address as an indented JSON object.
      const end = out.indexOf("}\n")
      if (end >= 0) {
        resolve({
          url: (JSON.parse(out.slice(0, end + 1)) as { url: string }).url,
          stop: () => new Promise((done) => {
            child.once("exit", (code) => done(code))
            child.kill("SIGTERM")
          })
        })
      }
    })
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })

describe("strata artifacts serve", () => {
  it("serves a root with the types of a module and the permissions of a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-serve-"))
    const permissions = join(dir, "permissions.json")
    writeFileSync(permissions, JSON.stringify({ "s3cret": ["read", "write"] }))
    const server = await startServer(["--root", join(dir, "store"), "--types", TYPES, "--port", "0", "--permissions", permissions], dir)
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      const auth = { authorization: `Basic ${Buffer.from(":s3cret").toString("base64")}` }
      const created = await fetch(`${server.url}/artifacts`, { method: "POST", headers: auth, body: encodeCbor({ type: "WordCount", text: "a b a" }) })
      assert.strictEqual(created.status, 201)
      const location = created.headers.get("location")
      assert.strictEqual(location, "/artifacts/WordCount_0000")
      const counts = await fetch(`${server.url}${location}/counts`, { headers: auth })
      assert.deepStrictEqual(JSON.parse(await counts.text()), { a: 2, b: 1 })
      const listing = decodeCbor(new Uint8Array(await (await fetch(`${server.url}/artifacts`, { headers: auth })).arrayBuffer()))
      assert.deepStrictEqual(listing, { _meta_: null, WordCount_0000: null })
      assert.strictEqual((await fetch(`${server.url}${location}`, { method: "DELETE", headers: auth })).status, 401)
      assert.strictEqual((await fetch(`${server.url}/artifacts`)).status, 401)
    } finally {
      await server.stop()
    }
  }, 60_000)

  it("has --help, and explains a bad types module or permissions file with an exit code", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-serve-"))
    const help = runStrata(["artifacts", "serve", "--help"], { cwd: dir })
    assert.strictEqual(help.code, 0)
    assert.match(help.stdout, /--types/)
    const missing = runStrata(["artifacts", "serve", "--root", dir, "--types", join(dir, "nope.ts"), "--port", "0"], { cwd: dir })
    assert.strictEqual(missing.code, 4)
    assert.match(missing.stderr, /^strata: The types module .*nope\.ts could not be loaded/)
    const bad = join(dir, "permissions.json")
    writeFileSync(bad, `{"pw": ["read", "admin"]}`)
    const invalid = runStrata(["--json", "artifacts", "serve", "--root", dir, "--types", TYPES, "--port", "0", "--permissions", bad], { cwd: dir })
    assert.strictEqual(invalid.code, 2)
    const error = JSON.parse(invalid.stderr) as { error: { message: string } }
    assert.match(error.error.message, /permissions\.json:1:\d+: pw\[1\]: /)
  }, 60_000)
})
