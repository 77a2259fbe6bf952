import { assert, describe, it } from "@effect/vitest"
import { newSpanId, newTraceId } from "../../../src/layers/telemetry/spanIds.ts"

describe("span ids", () => {
  it("are lowercase hex W3C ids, distinct across refills of the random pool", () => {
    const spans = Array.from({ length: 3000 }, newSpanId)
    const traces = Array.from({ length: 3000 }, newTraceId)
    for (const id of spans) assert.match(id, /^(?!0{16})[0-9a-f]{16}$/)
    for (const id of traces) assert.match(id, /^(?!0{32})[0-9a-f]{32}$/)
    assert.strictEqual(new Set(spans).size, spans.length)
    assert.strictEqual(new Set(traces).size, traces.length)
  })
})
