// The committed protobuf-es code in src/protocol/gen is what the .proto files
// generate: regenerate into a temporary directory (buf from the npm registry,
// as `npm run proto:generate` does) and compare file by file. Without
// network access buf cannot be fetched: the test is skipped then, except
// under CI=true.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "vitest"

const ROOT = fileURLToPath(new URL("../..", import.meta.url))
const COMMITTED = join(ROOT, "src/protocol/gen")

const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .toSorted()

describe("generated protocol code", () => {
  const out = mkdtempSync(join(tmpdir(), "strata-proto-"))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it("matches what the .proto files generate", { timeout: 120_000 }, (context) => {
    const result = spawnSync("npx", ["-y", "@bufbuild/buf@1.75.0", "generate", "--output", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env["PATH"] ?? ""}` },
      timeout: 110_000
    })
    if (result.status !== 0) {
      const why = `buf could not run (${(result.stderr || result.error?.message || "").trim().split("\n").at(-1)})`
      if (process.env["CI"] === "true") assert.fail(why)
      console.warn(`skipped: ${why}; run npm run proto:generate where the npm registry is reachable.`)
      context.skip()
    }
    const regenerated = join(out, "src/protocol/gen")
    assert.deepStrictEqual(filesUnder(regenerated), filesUnder(COMMITTED), "the same files")
    for (const file of filesUnder(COMMITTED)) {
      assert.strictEqual(
        readFileSync(join(regenerated, file), "utf8"),
        readFileSync(join(COMMITTED, file), "utf8"),
        `${file} is out of date: run npm run proto:generate`
      )
    }
  })
})
