#!/usr/bin/env node
/**
 * The `strata` executable: `node src/programs/cli/main.ts ARGS...` (start.ts
 * runs it).
 *
 * @since 0.1.0
 */
import { enableCompileCache } from "node:module"

if (import.meta.main) {
  // Start-up is mostly compiling modules: keep the compiled code on disk (NODE_COMPILE_CACHE, else the temp
  // directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so that later starts skip it. Hence the import below
  // comes after this line rather than at the top.
  enableCompileCache()
  const { start } = await import("./start.ts")
  start(process.argv.slice(2))
}
