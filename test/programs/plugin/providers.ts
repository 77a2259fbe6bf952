/**
 * Launching the test provider modules as real processes through
 * `strata plugin serve`, as a host would.
 */
import { fileURLToPath } from "node:url"

export const CLI_MAIN = fileURLToPath(new URL("../../../src/programs/cli/main.ts", import.meta.url))

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url))

/** The command line of `strata plugin serve fixtures/<name>.ts`. */
export const serveCommand = (name: string) => ({
  command: process.execPath,
  args: [CLI_MAIN, "plugin", "serve", fixture(name)]
})
