import { assert, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describeAzurite } from "../support/azuriteServer.ts"

const EXAMPLE = fileURLToPath(new URL("../../examples/azure-blob.ts", import.meta.url))

// The README shows this file; it must keep working as shown.
describeAzurite("examples/azure-blob.ts", (server) => {
  it("writes, copies, reads and lists through an azure profile", () => {
    const run = spawnSync(process.execPath, [EXAMPLE], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: server().connectionString }
    })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.deepStrictEqual(run.stdout.trim().split("\n"), [
      "hello, blob",
      "msc://blobs/copies/hello.txt 11",
      "msc://blobs/hello.txt 11"
    ])
  })
})
