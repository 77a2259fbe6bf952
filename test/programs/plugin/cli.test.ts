// `strata plugin ...` as a user runs it: real processes end to end.
import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "yaml"
import { runStrata } from "../cli/cliHarness.ts"
import { CLI_MAIN, fixture } from "./providers.ts"

const greeter = [process.execPath, CLI_MAIN, "plugin", "serve", fixture("greeter")]

describe("strata plugin", () => {
  it("lists its subcommands in --help", () => {
    const run = runStrata(["plugin", "--help"])
    assert.strictEqual(run.code, 0)
    for (const command of ["serve", "catalog", "invoke"]) assert.include(run.stdout, command)
  })

  it("invoke prints the operation's result, exit 0; --json adds the status", () => {
    const run = runStrata(["--json", "plugin", "invoke", ...greeter, "greet", "--params", `{"name":"Ada"}`])
    assert.strictEqual(run.code, 0, run.stderr)
    assert.deepStrictEqual(JSON.parse(run.stdout), { status: 200, body: { message: "Hello, Ada." } })
  }, 90_000)

  it("invoke exits 4 for an unknown operation and 2 for params that are not JSON", () => {
    const unknown = runStrata(["plugin", "invoke", ...greeter, "nope"])
    assert.strictEqual(unknown.code, 4, unknown.stderr)
    assert.include(unknown.stderr, "strata: Operation 'nope' answered 404: Plugin 'greeter' has no operation 'nope'.")
    const notJson = runStrata(["plugin", "invoke", ...greeter, "greet", "--params", "{name"])
    assert.strictEqual(notJson.code, 2)
    assert.match(notJson.stderr, /^strata: --params is not JSON: /)
  }, 90_000)

  it("catalog prints the catalog as YAML", () => {
    const run = runStrata(["plugin", "catalog", ...greeter])
    assert.strictEqual(run.code, 0, run.stderr)
    const catalog = parse(run.stdout)
    assert.strictEqual(catalog.name, "greeter")
    assert.deepStrictEqual(catalog.operations.map((op: { id: string }) => op.id), ["greet", "slow", "teapot", "broken"])
  }, 90_000)

  it("serve writes catalog.yaml when GESTALT_PLUGIN_WRITE_CATALOG is set, and explains a missing socket", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-catalog-"))
    const path = join(dir, "catalog.yaml")
    const written = runStrata(["plugin", "serve", fixture("greeter")], { env: { GESTALT_PLUGIN_WRITE_CATALOG: path } })
    assert.strictEqual(written.code, 0, written.stderr)
    const catalog = parse(readFileSync(path, "utf8"))
    assert.strictEqual(catalog.displayName, "Greeter", "camelCase keys, as Gestalt hosts read them")
    assert.strictEqual(catalog.operations[0].inputSchema.type, "object", "schemas are YAML objects")
    const noSocket = runStrata(["plugin", "serve", fixture("greeter")])
    assert.strictEqual(noSocket.code, 3)
    assert.match(noSocket.stderr, /^strata: GESTALT_PLUGIN_SOCKET is not set: /)
    const notPlugin = runStrata(["plugin", "serve", fixture("secrets")], { env: { GESTALT_PLUGIN_WRITE_CATALOG: path } })
    assert.strictEqual(notPlugin.code, 3)
    assert.include(notPlugin.stderr, "A secrets provider has no catalog; only integration plugins do.")
  }, 90_000)
})
