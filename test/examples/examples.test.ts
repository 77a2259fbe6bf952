import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { runStrata } from "../programs/cli/cliHarness.ts"

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url))

// The README shows these files; they must keep working as shown.
describe("examples", () => {
  it("storage-client.ts writes, copies across profiles and lists the sample events", () => {
    const run = spawnSync(process.execPath, [`${EXAMPLES}storage-client.ts`], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    const lines = run.stdout.trim().split("\n")
    assert.strictEqual(lines.length, 7)
    assert.match(lines[0] ?? "", /^msc:\/\/samples\/events\/2026-11-01\.jsonl \d+$/)
    assert.strictEqual(readFileSync("/tmp/strata-scratch/greeting.txt", "utf8"), "hello")
  })

  it("strata.yaml validates, with its relative base_path resolved next to it", () => {
    const run = runStrata(["--config", `${EXAMPLES}strata.yaml`, "--json", "config", "validate"])
    assert.strictEqual(run.code, 0, run.stderr)
    const config = JSON.parse(run.stdout) as { profiles: Record<string, unknown> }
    assert.deepStrictEqual(Object.keys(config.profiles).toSorted(), ["__filesystem__", "mem", "samples", "scratch"])
    const listing = runStrata(["--config", `${EXAMPLES}strata.yaml`, "--json", "ls", "/datasets/notes"])
    assert.strictEqual(listing.code, 0, listing.stderr)
    assert.strictEqual((JSON.parse(listing.stdout) as Array<unknown>).length, 2)
  })

  it("mapper.ts writes an order with aliases, a date format and a flat union, and locates a YAML error", () => {
    const run = spawnSync(process.execPath, [`${EXAMPLES}mapper.ts`], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.deepStrictEqual(run.stdout.trim().split("\n"), [
      `{"day":"04.02.2026","items":[{"id":"pen","qty":2}],"delivery":{"store":"Lyon","kind":"Pickup"}}`,
      "order.yaml:4:10: items[0].qty: expected a number, got 'two'."
    ])
  })

  it("sync.ts syncs the samples into memory, then finds them up to date", () => {
    const run = spawnSync(process.execPath, [`${EXAMPLES}sync.ts`], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    const [first = "", again = ""] = run.stdout.trim().split("\n")
    assert.match(first, /^copied 19 \(\d+ bytes\), skipped 0, deleted 0$/)
    assert.strictEqual(again, "copied 0 (0 bytes), skipped 19, deleted 0")
  })

  it("cache.ts stores and reads a typed session through the degrade layer", () => {
    const run = spawnSync(process.execPath, [`${EXAMPLES}cache.ts`], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.strictEqual(run.stdout.trim(), "session:42 -> ada; session:7 -> miss")
  })

  it("readcache.ts reads through the cache configured in readcache.yaml", () => {
    rmSync("/tmp/strata-example-cache", { recursive: true, force: true })
    const run = spawnSync(process.execPath, [`${EXAMPLES}readcache.ts`], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.strictEqual(run.stdout.trim(), "read 4194304 bytes, then 16; 1 cache entry")
  })

  it("plugin-host.ts launches plugin.ts as a provider process and invokes it", () => {
    const run = spawnSync(process.execPath, [`${EXAMPLES}plugin-host.ts`], { encoding: "utf8", timeout: 90_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.deepStrictEqual(run.stdout.trim().split("\n"), [
      "count",
      `{"words":6,"distinct":4,"cached":false}`,
      `{"words":6,"distinct":4,"cached":true}`,
      `400 {"error":"The params of operation 'count' are not valid: Missing key at [\\"text\\"]."}`
    ])
  }, 120_000)

  it("contracts/: the README's contract and events validate as shown (one event passes, exit 1)", () => {
    const run = runStrata(["contract", "validate", `${EXAMPLES}contracts/orders.yaml`, `${EXAMPLES}contracts/events.jsonl`])
    assert.strictEqual(run.code, 1, run.stderr)
    assert.strictEqual(run.stdout.trim().split("\n").at(-1), "3 events, 1 passed, 2 failed (contract orders 1.0).")
  })

  it("artifacts.ts builds a word count once and finds it again by spec", () => {
    const run = spawnSync(process.execPath, [`${EXAMPLES}artifacts.ts`], { encoding: "utf8", timeout: 60_000 })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.deepStrictEqual(run.stdout.trim().split("\n"), [
      "WordCount_0000 reused: 5 words, 4 distinct",
      `{"the":2,"cat":1,"saw":1,"dog":1}`
    ])
  })
  it("pipeline.ts ingests the events through the contract into an artifact, and finds it again on the second run", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-pipeline-"))
    const run = () => spawnSync(process.execPath, [`${EXAMPLES}pipeline.ts`, dir], { encoding: "utf8", timeout: 90_000 })
    const first = run()
    assert.strictEqual(first.status, 0, first.stderr)
    assert.match(first.stdout, /^3 events through contract orders 1\.0: 1 accepted, 2 quarantined -> .*IngestBatch_0000 \(built\)$/m)
    const accepted = JSON.parse(readFileSync(join(dir, "artifacts", "IngestBatch_0000", "accepted.json"), "utf8")) as Array<{ customer: { email: string } }>
    assert.strictEqual(accepted[0]!.customer.email, "<REDACTED>")
    const second = run()
    assert.strictEqual(second.status, 0, second.stderr)
    assert.match(second.stdout, /IngestBatch_0000 \(run before: found by its spec, not rebuilt\)$/m)
  }, 200_000)
})
