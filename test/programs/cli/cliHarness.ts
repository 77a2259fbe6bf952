/**
 * Runs the real `strata` executable in a child process, as a user would.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const MAIN = fileURLToPath(new URL("../../../src/programs/cli/main.ts", import.meta.url))

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const runStrata = (
  args: ReadonlyArray<string>,
  options: { readonly cwd?: string; readonly env?: Record<string, string> } = {}
): CliRun => {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    // No MSC_CONFIG or HOME config leaks in from the machine running the tests.
    env: { PATH: process.env["PATH"] ?? "", HOME: options.cwd ?? "/nonexistent", ...options.env },
    encoding: "utf8",
    timeout: 60_000
  })
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}
