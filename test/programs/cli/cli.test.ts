import { assert, describe, it } from "@effect/vitest"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { runStrata } from "./cliHarness.ts"

const SAMPLES = fileURLToPath(new URL("../../../examples/data", import.meta.url))
const scratch = () => mkdtempSync(join(tmpdir(), "strata-cli-"))

describe("strata CLI", () => {
  it("shows help listing every command, exit 0", () => {
    const run = runStrata(["--help"])
    assert.strictEqual(run.code, 0)
    for (const command of ["ls", "cat", "cp", "rm", "info", "glob", "config"]) {
      assert.include(run.stdout, command)
    }
  })

  it("rejects an unknown flag with exit code 2", () => {
    const run = runStrata(["ls", "--bogus", "."])
    assert.strictEqual(run.code, 2)
    assert.include(run.stdout + run.stderr, "--bogus")
  })

  it("copies the sample dataset recursively with progress, and lists it", () => {
    const dir = scratch()
    const copy = runStrata(["cp", "-r", SAMPLES, join(dir, "copy")], { cwd: dir })
    assert.strictEqual(copy.code, 0, copy.stderr)
    assert.match(copy.stdout, /Copied 26 files/)
    assert.match(copy.stderr, /cp: 100\.0%/)
    const listing = runStrata(["--json", "ls", "-r", join(dir, "copy")], { cwd: dir })
    assert.strictEqual(listing.code, 0, listing.stderr)
    const entries = JSON.parse(listing.stdout) as Array<{ key: string; size: number; type: string }>
    assert.strictEqual(entries.length, 26)
    const keys = entries.map((entry) => entry.key)
    assert.deepStrictEqual(keys, keys.toSorted((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))))
    assert.deepStrictEqual(
      readFileSync(join(dir, "copy/customers/customers.csv")),
      readFileSync(join(SAMPLES, "customers/customers.csv"))
    )
  })

  it("prints a file with cat, and a byte range of it", () => {
    const dir = scratch()
    writeFileSync(join(dir, "hello.txt"), "hello, world\n")
    assert.strictEqual(runStrata(["cat", "hello.txt"], { cwd: dir }).stdout, "hello, world\n")
    assert.strictEqual(runStrata(["cat", "--offset", "7", "--length", "5", "hello.txt"], { cwd: dir }).stdout, "world")
  })

  it("gives info as JSON and globs with **", () => {
    const dir = scratch()
    const info = runStrata(["--json", "info", join(SAMPLES, "notes/README.txt")])
    assert.strictEqual(info.code, 0, info.stderr)
    const meta = JSON.parse(info.stdout) as { type: string; size: number }
    assert.strictEqual(meta.type, "file")
    assert.strictEqual(meta.size, readFileSync(join(SAMPLES, "notes/README.txt")).length)
    const glob = runStrata(["--json", "glob", `${SAMPLES}/**/*.csv`], { cwd: dir })
    assert.strictEqual(glob.code, 0, glob.stderr)
    assert.strictEqual((JSON.parse(glob.stdout) as Array<string>).length, 17)
  })

  it("explains a missing file in one sentence with exit code 4", () => {
    const dir = scratch()
    const run = runStrata(["info", "no-such-file.txt"], { cwd: dir })
    assert.strictEqual(run.code, 4)
    assert.strictEqual(run.stderr.trim().split("\n").length, 1)
    assert.match(run.stderr, /^strata: .*no-such-file\.txt.*\.\n$/)
  })

  it("reports errors as JSON on stderr with --json", () => {
    const run = runStrata(["--json", "cat", "missing.bin"], { cwd: scratch() })
    assert.strictEqual(run.code, 4)
    const body = JSON.parse(run.stderr) as { error: { kind: string; message: string; exitCode: number } }
    assert.strictEqual(body.error.kind, "NotFound")
    assert.strictEqual(body.error.exitCode, 4)
  })

  it("refuses to delete a directory without -r, and deletes it with -r", () => {
    const dir = scratch()
    mkdirSync(join(dir, "tree/sub"), { recursive: true })
    writeFileSync(join(dir, "tree/a.txt"), "a")
    writeFileSync(join(dir, "tree/sub/b.txt"), "b")
    const refused = runStrata(["rm", "tree"], { cwd: dir })
    assert.notStrictEqual(refused.code, 0)
    assert.include(refused.stderr, "-r")
    assert.strictEqual(readdirSync(join(dir, "tree")).length, 2)
    const removed = runStrata(["rm", "-r", "tree"], { cwd: dir })
    assert.strictEqual(removed.code, 0, removed.stderr)
    assert.include(removed.stdout, "Deleted 2 files")
  })

  it("refuses to copy a directory without -r", () => {
    const run = runStrata(["cp", SAMPLES, join(scratch(), "x")])
    assert.strictEqual(run.code, 8)
    assert.include(run.stderr, "pass -r")
  })

  it("works with profiles from a config file", () => {
    const dir = scratch()
    mkdirSync(join(dir, "a"))
    writeFileSync(join(dir, "a/one.txt"), "one")
    const config = join(dir, "strata.yaml")
    writeFileSync(config, [
      "profiles:",
      "  src:",
      "    storage_provider:",
      "      type: file",
      `      options: {base_path: ${join(dir, "a")}}`,
      "  dst:",
      "    storage_provider:",
      "      type: file",
      "      options:",
      `        base_path: \${TARGET}`,
      ""
    ].join("\n"))
    const env = { TARGET: join(dir, "b") }
    const copy = runStrata(["--config", config, "cp", "msc://src/one.txt", "msc://dst/copied/one.txt"], { env })
    assert.strictEqual(copy.code, 0, copy.stderr)
    assert.strictEqual(readFileSync(join(dir, "b/copied/one.txt"), "utf8"), "one")
    const validate = runStrata(["--config", config, "config", "validate"], { env })
    assert.strictEqual(validate.code, 0, validate.stderr)
    assert.include(validate.stdout, join(dir, "b"))
  })

  it("names the file, line and key of an unknown config key, exit code 3", () => {
    const dir = scratch()
    const config = join(dir, "bad.yaml")
    writeFileSync(config, ["profiles:", "  data:", "    storage_provider:", "      type: file", "      optons: {}", ""].join("\n"))
    const run = runStrata(["--config", config, "ls", "msc://data/"])
    assert.strictEqual(run.code, 3)
    assert.include(run.stderr, "bad.yaml:5")
    assert.include(run.stderr, "optons")
  })

  it("names a config file that does not exist", () => {
    const run = runStrata(["--config", "/nonexistent/strata.yaml", "ls", "."])
    assert.strictEqual(run.code, 3)
    assert.include(run.stderr, "/nonexistent/strata.yaml")
  })

  it("refuses URLs it cannot resolve", () => {
    const badScheme = runStrata(["ls", "ftp://host/x"])
    assert.strictEqual(badScheme.code, 8)
    assert.include(badScheme.stderr, "ftp://host/x")
    const unknownProfile = runStrata(["ls", "msc://nope/x"])
    assert.notStrictEqual(unknownProfile.code, 0)
    assert.include(unknownProfile.stderr, "nope")
  })
})
