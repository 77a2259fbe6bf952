#!/usr/bin/env node
/**
 * A provider process without the rest of the CLI (faster to start than
 * `strata plugin serve`): `node src/programs/plugin/main.ts MODULE`, with
 * the GESTALT_PLUGIN_* environment (runtime.ts). SIGTERM and SIGINT drain
 * calls in flight and exit 0.
 *
 * @since 0.1.0
 */
import { enableCompileCache } from "node:module"

if (import.meta.main) {
  // Start-up is mostly compiling modules: keep the compiled code on disk (NODE_COMPILE_CACHE, else the temp
  // directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so that later starts skip it. Hence the import below
  // comes after this line rather than at the top.
  enableCompileCache()
  const { serveModule } = await import("./serveModule.ts")
  serveModule(process.argv[2])
}
