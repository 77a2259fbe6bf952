import { assert, describe, it } from "@effect/vitest"
import { makeIdempotencyStore } from "../../../src/programs/gateway/limits.ts"

const body = (text: string) => new TextEncoder().encode(text)
const DAY = 24 * 60 * 60 * 1000

describe("idempotency records", () => {
  it("a restored record answers the same body, refuses another, and is gone after 24 h", () => {
    let time = Date.parse("2026-11-23T10:00:00Z")
    const first = makeIdempotencyStore(() => time)
    const record = first.record("k", body("[1]"), { status: 207, body: body("{\"ok\":1}") })
    assert.strictEqual(record.body, "{\"ok\":1}")
    assert.strictEqual(record.expires_at, "2026-11-24T10:00:00.000Z")
    time += DAY - 1
    const restored = makeIdempotencyStore(() => time, [record])
    assert.deepStrictEqual(restored.lookup("k", body("[1]")), { status: 207, body: body("{\"ok\":1}") })
    assert.strictEqual(restored.lookup("k", body("[2]")), "conflict")
    time += 1
    assert.isUndefined(restored.lookup("k", body("[1]")))
    assert.isUndefined(makeIdempotencyStore(() => time, [record]).lookup("k", body("[1]")))
  })
})
