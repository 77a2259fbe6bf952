import { assert, describe, it } from "@effect/vitest"
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { runStrata } from "./cliHarness.ts"

const SAMPLES = fileURLToPath(new URL("../../../examples/data", import.meta.url))

/** A dataset copy and a config with a plain profile and a manifest-backed one over it. */
const setup = () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-cli-manifest-"))
  cpSync(SAMPLES, join(dir, "data"), { recursive: true })
  mkdirSync(join(dir, "ingest"))
  writeFileSync(
    join(dir, "strata.yaml"),
    [
      "profiles:",
      "  data:",
      `    storage_provider: {type: file, options: {base_path: ${join(dir, "data")}}}`,
      "  listed:",
      `    storage_provider: {type: file, options: {base_path: ${join(dir, "data")}}}`,
      "    metadata_provider: {type: manifest, options: {manifest_path: .msc_manifests}}",
      "  ingest:",
      `    storage_provider: {type: file, options: {base_path: ${join(dir, "ingest")}}}`,
      "    metadata_provider: {type: manifest, options: {manifest_path: .msc_manifests, writable: true}}",
      ""
    ].join("\n")
  )
  return { dir, config: ["--config", join(dir, "strata.yaml")] }
}

describe("strata manifest", () => {
  it("generate has --help naming its flags", () => {
    const run = runStrata(["manifest", "generate", "--help"])
    assert.strictEqual(run.code, 0)
    for (const flag of ["--output", "--quiet", "--json"]) assert.include(run.stdout, flag)
  })

  it("generates a manifest with progress and a --json summary; the manifest profile then lists from it", () => {
    const { config, dir } = setup()
    const plain = runStrata([...config, "manifest", "generate", "msc://data/events"], { cwd: dir })
    assert.strictEqual(plain.code, 0, plain.stderr)
    assert.match(plain.stdout, /^Wrote a manifest of 7 files \(.+\): msc:\/\/data\/\.msc_manifests\/.+\/msc_manifest_index\.json\n$/)
    assert.match(plain.stderr, /Listing: 7 files/)

    // Same second, same version folder (as in MSC): the full manifest replaces the events-only one.
    const run = runStrata([...config, "--json", "manifest", "generate", "msc://data"], { cwd: dir })
    assert.strictEqual(run.code, 0, run.stderr)
    assert.strictEqual(run.stderr, "")
    const summary = JSON.parse(run.stdout) as { url: string; index: string; files: number; bytes: number }
    assert.strictEqual(summary.url, "msc://data")
    assert.strictEqual(summary.files, 26)
    const versions = readdirSync(join(dir, "data/.msc_manifests"))
    assert.isTrue(summary.index.includes(versions.toSorted().at(-1)!))

    const listing = runStrata([...config, "--json", "ls", "-r", "msc://listed/"], { cwd: dir })
    assert.strictEqual(listing.code, 0, listing.stderr)
    assert.strictEqual((JSON.parse(listing.stdout) as Array<unknown>).length, 26)
    const info = runStrata([...config, "--json", "info", "msc://listed/customers/customers.csv"], { cwd: dir })
    assert.strictEqual(info.code, 0, info.stderr)
  })

  it("commit records files copied into a manifest profile by other commands; it refuses roots and plain profiles", () => {
    const { config, dir } = setup()
    const copy = runStrata([...config, "cp", "-r", join(SAMPLES, "events"), "msc://ingest/events"], { cwd: dir })
    assert.strictEqual(copy.code, 0, copy.stderr)
    // Each CLI run is its own client: the copy's pending records ended with it.
    const before = runStrata([...config, "--json", "ls", "-r", "msc://ingest/"], { cwd: dir })
    assert.deepStrictEqual(JSON.parse(before.stdout), [])
    const commit = runStrata([...config, "manifest", "commit", "msc://ingest/events"], { cwd: dir })
    assert.strictEqual(commit.code, 0, commit.stderr)
    assert.include(commit.stdout, "Committed the manifest of profile 'ingest'")
    const after = runStrata([...config, "--json", "ls", "-r", "msc://ingest/"], { cwd: dir })
    assert.strictEqual((JSON.parse(after.stdout) as Array<unknown>).length, 7)
    const root = runStrata([...config, "manifest", "commit", "msc://ingest/"], { cwd: dir })
    assert.strictEqual(root.code, 8)
    assert.include(root.stderr, "names the root of profile 'ingest'")
    const plain = runStrata([...config, "manifest", "commit", "msc://data/events"], { cwd: dir })
    assert.strictEqual(plain.code, 1)
    assert.include(plain.stderr, "Profile 'data' has no metadata_provider")
  })

  it("a malformed manifest is an error naming the file and line; an unknown profile exits 4", () => {
    const { config, dir } = setup()
    const folder = join(dir, "data/.msc_manifests/2026-01-01T00:00:00+00:00")
    cpSync(SAMPLES + "/notes", join(folder, "parts"), { recursive: true })
    writeFileSync(join(folder, "msc_manifest_index.json"), `{"version": "1", "parts": [{"path": "parts/p.jsonl"}]}`)
    writeFileSync(join(folder, "parts/p.jsonl"), `{"key": "a", "size_bytes": 1, "last_modified": "2024-01-01T00:00:00Z"}\nnot json\n`)
    const run = runStrata([...config, "ls", "msc://listed/"], { cwd: dir })
    assert.strictEqual(run.code, 1)
    assert.include(run.stderr, "parts/p.jsonl is malformed at line 2: not valid JSON")
    const missing = runStrata([...config, "manifest", "generate", "msc://nobody"], { cwd: dir })
    assert.strictEqual(missing.code, 4, missing.stderr)
    assert.include(missing.stderr, "Unknown profile 'nobody'")
  })
})
