import { defineConfig } from "vitest/config"

// CI asks for a JSON report (see .ci/run) to print its own count line.
const report = process.env["STRATA_VITEST_REPORT"]

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"]
  }
})
