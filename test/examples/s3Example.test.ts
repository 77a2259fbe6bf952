import { assert, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describeS3 } from "../support/s3Server.ts"

const EXAMPLE = fileURLToPath(new URL("../../examples/s3.ts", import.meta.url))

// The README shows this example; it must keep working as shown, against a real S3 server.
describeS3("examples/s3.ts", (server) => {
  it("writes, reads and lists through the s3 profile of examples/s3.yaml", () => {
    const s = server()
    const run = spawnSync(process.execPath, [EXAMPLE], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, S3_ENDPOINT: s.endpoint, S3_BUCKET: s.bucket, S3_ACCESS_KEY: s.accessKey, S3_SECRET_KEY: s.secretKey }
    })
    assert.strictEqual(run.status, 0, run.stderr)
    assert.deepStrictEqual(run.stdout.trim().split("\n"), [
      "2026-11,42",
      "msc://lake/reports/2026-11.csv 23",
      "msc://lake/reports/big.bin 2048"
    ])
  })
})
