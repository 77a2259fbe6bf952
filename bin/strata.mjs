#!/usr/bin/env node
// Installed entry point: Node >= 24.11 runs the TypeScript sources directly.
import "../src/programs/cli/main.ts"
