import { assert, describe, it } from "@effect/vitest"
import { humanBytes, humanDuration } from "../../../src/programs/cli/format.ts"

describe("CLI formatting", () => {
  it("prints sizes and rates in binary units, whole bytes under 1 KiB", () => {
    assert.strictEqual(humanBytes(0), "0 B")
    assert.strictEqual(humanBytes(24.390243902439025), "24 B")
    assert.strictEqual(humanBytes(1023.4), "1023 B")
    assert.strictEqual(humanBytes(1023.6), "1.0 KiB")
    assert.strictEqual(humanBytes(1536), "1.5 KiB")
    assert.strictEqual(humanBytes(5 * 1024 ** 3), "5.0 GiB")
  })

  it("prints durations as s, m and h", () => {
    assert.strictEqual(humanDuration(0.4), "0s")
    assert.strictEqual(humanDuration(75), "1m15s")
    assert.strictEqual(humanDuration(3_725), "1h02m")
    assert.strictEqual(humanDuration(Infinity), "?")
  })
})
