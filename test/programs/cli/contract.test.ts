import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { freePort } from "../../support/ports.ts"
import { runStrata } from "./cliHarness.ts"

const EXAMPLES = fileURLToPath(new URL("../../../examples/contracts/", import.meta.url))
const MAIN = fileURLToPath(new URL("../../../src/programs/cli/main.ts", import.meta.url))

describe("strata contract validate", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-contract-cli-"))

  it("exit 0 when every event passes, with a summary", () => {
    writeFileSync(join(dir, "ok.jsonl"), `${
      JSON.stringify({
        order_id: "ord_9",
        amount: 1,
        currency: "EUR",
        placed_on: "2024-02-29",
        customer: { email: "a@b", id: "c" },
        lines: []
      })
    }\n`)
    const run = runStrata(["contract", "validate", `${EXAMPLES}orders.yaml`, join(dir, "ok.jsonl")], { cwd: dir })
    assert.strictEqual(run.code, 0, run.stderr)
    assert.strictEqual(run.stdout.trim(), "1 events, 1 passed, 0 failed (contract orders 1.0).")
  })

  it("exit 1 on violations, one line per violation naming file:line, and --json results", () => {
    const run = runStrata(["contract", "validate", `${EXAMPLES}orders.yaml`, `${EXAMPLES}events.jsonl`], { cwd: dir })
    assert.strictEqual(run.code, 1)
    assert.include(run.stdout, "events.jsonl:2: lines[0].sku: Field 'lines[0].sku' value \"pen\" does not match required pattern (pattern_mismatch)")
    assert.include(run.stderr, "2 of 3 events")
    const json = runStrata(["--json", "contract", "validate", `${EXAMPLES}orders.yaml`, `${EXAMPLES}events.jsonl`], { cwd: dir })
    const report = JSON.parse(json.stdout) as { total: number; failed: number; results: Array<{ line: number; passed: boolean }> }
    assert.deepStrictEqual([report.total, report.failed, report.results.map((r) => r.passed)], [3, 2, [true, false, false]])
  })

  it("a malformed line is a failure of that line, not a crash", () => {
    writeFileSync(join(dir, "broken.jsonl"), "{\"order_id\": \n")
    const run = runStrata(["contract", "validate", `${EXAMPLES}orders.yaml`, join(dir, "broken.jsonl")], { cwd: dir })
    assert.strictEqual(run.code, 1)
    assert.match(run.stdout, /broken\.jsonl:1: <root>: Line is not JSON: .* \(malformed_json\)/)
  })

  it("validates one envelope batch per line for envelope contracts", () => {
    writeFileSync(
      join(dir, "listings.yaml"),
      "version: \"1\"\nname: listings\nenvelope: {records_path: data, validate_wrapper: true}\nontology:\n  entities:\n    - {name: id, type: string}\n"
    )
    writeFileSync(join(dir, "pages.jsonl"), [{ success: true, data: [{ id: "a" }] }, { success: true, data: [{ id: "b" }, { id: 2 }] }, { data: [] }].map((page) => JSON.stringify(page)).join("\n"))
    const run = runStrata(["contract", "validate", join(dir, "listings.yaml"), join(dir, "pages.jsonl")], { cwd: dir })
    assert.strictEqual(run.code, 1)
    assert.include(run.stdout, "pages.jsonl:2: data[1].id: Field 'id' expected type String, got integer (type_mismatch)")
    assert.include(run.stdout, "pages.jsonl:3: success: Wrapper field 'success' is missing (missing_required_field)")
    assert.include(run.stdout, "3 events, 1 passed, 2 failed")
  })

  it("exit 3 for a bad contract, with file, line, column and JSON path", () => {
    writeFileSync(join(dir, "bad.yaml"), "version: \"1\"\nname: x\nontology:\n  entities:\n    - name: a\n      type: strng\n")
    const run = runStrata(["contract", "validate", join(dir, "bad.yaml"), `${EXAMPLES}events.jsonl`], { cwd: dir })
    assert.strictEqual(run.code, 3)
    assert.include(run.stderr, `${join(dir, "bad.yaml")}:6:13: ontology.entities[0].type: expected one of 'string'`)
    writeFileSync(join(dir, "syntax.yaml"), "version: \"1\"\nname: [x\n")
    const syntax = runStrata(["contract", "validate", join(dir, "syntax.yaml"), `${EXAMPLES}events.jsonl`], { cwd: dir })
    assert.strictEqual(syntax.code, 3)
    assert.match(syntax.stderr, /syntax\.yaml:\d+:\d+: malformed YAML: /)
  })
})

describe("strata gateway serve", () => {
  it("serves the example gateway on 127.0.0.1 until interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-gateway-cli-"))
    cpSync(EXAMPLES, dir, { recursive: true })
    const port = await freePort()
    const child = spawn(process.execPath, [MAIN, "gateway", "serve", "--gateway", join(dir, "gateway.yaml"), "--port", String(port)], {
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, ORDERS_PII_SALT: "example-salt" },
      cwd: dir
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => void (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()))
    try {
      // Poll until it answers: on a loaded machine start-up can take a while.
      for (let started = Date.now();;) {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${output}`)
        const up = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false)
        if (up && output.includes("listening")) break
        if (Date.now() - started > 200_000) throw new Error(`gateway did not answer: ${output}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      assert.include(output, `strata gateway listening on http://127.0.0.1:${port}`)
      const response = await fetch(`http://127.0.0.1:${port}/v1/ingest/orders`, {
        method: "POST",
        headers: { "x-api-key": "cg_live_example_key", "content-type": "application/x-ndjson" },
        body: await import("node:fs/promises").then((fs) => fs.readFile(join(dir, "events.jsonl"), "utf8")),
        // A hung request fails the test with a message instead of running into the test's timeout.
        signal: AbortSignal.timeout(60_000)
      })
      const body = await response.json() as { passed: number; failed: number; results: Array<{ transformed_event: { customer: { email: string } } }> }
      assert.strictEqual(response.status, 207)
      assert.deepStrictEqual([body.passed, body.failed], [1, 2])
      assert.strictEqual(body.results[0]!.transformed_event.customer.email, "<REDACTED>")
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve))
        child.kill("SIGINT")
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000)
        await exited
        clearTimeout(timer)
      }
    }
  }, 300_000)
})
