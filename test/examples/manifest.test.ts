import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const EXAMPLE = fileURLToPath(new URL("../../examples/manifest.ts", import.meta.url))

// The README shows this file; it must keep working as shown.
describe("examples", () => {
  it("manifest.ts commits a write and lists it from the manifest", () => {
    const run = spawnSync(process.execPath, [EXAMPLE], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.strictEqual(run.stdout, "before commit: 0 files\nmsc://photos/2026/cat.jpg 4 bytes, label=cat\n")
  })
})
