import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { HttpClient } from "effect/http"
import { createHash, randomUUID } from "node:crypto"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fixtureDir, KEYS, servedGateway } from "./gatewayFixture.ts"
import { get, post, storedIn } from "./gatewayHttp.ts"

const dir = fixtureDir()

const good = (n: number) => ({ order_id: `ord_${n}`, amount: 10 + n, currency: "EUR", customer: { email: `c${n}@example.com`, id: `cust-${n}` } })
const bad = (n: number) => ({ order_id: `x${n}`, amount: -1, currency: "EUR", customer: { email: "e@example.com" } })

const stored = storedIn(dir)

layer(servedGateway(dir))("gateway over real HTTP", (it) => {
  it.effect("health needs no key", () =>
    Effect.gen(function*() {
      const response = yield* HttpClient.get("/health")
      assert.strictEqual(response.status, 200)
    }))

  it.effect("missing, wrong and out-of-scope keys get 401", () =>
    Effect.gen(function*() {
      for (const key of [undefined, "cg_live_wrong", KEYS.ordersOnly]) {
        const r = yield* post("/ingest/orders", good(1), key === undefined ? {} : { key })
        assert.strictEqual(r.status, 401)
        assert.deepStrictEqual(r.body, { error: "Unauthorized: missing or invalid API key", status: 401 })
      }
    }))

  it.effect("a valid event: 200, persisted post-transform, PII redacted and hashed (nested fields too)", () =>
    Effect.gen(function*() {
      const r = yield* post("/ingest/orders", good(1), { key: KEYS.all })
      assert.strictEqual(r.status, 200)
      assert.strictEqual(r.body["version_pin_source"], "default_stable")
      assert.strictEqual(r.body["resolved_version"], "2.0")
      const result = r.body["results"][0]
      assert.isTrue(result.forwarded)
      assert.strictEqual(result.transformed_event.customer.email, "<REDACTED>")
      assert.match(result.transformed_event.customer.id, /^hmac-sha256:[0-9a-f]{64}$/)
      assert.strictEqual(r.headers["x-ratelimit-limit"], "100000")
      const accepted = stored("accepted", "orders").find((row) => row.event.order_id === "ord_1")
      assert.strictEqual(accepted.event.customer.email, "<REDACTED>")
      assert.notInclude(JSON.stringify(stored("audit", "orders")), "c1@example.com")
    }))

  it.effect("mixed batch: 207, failures quarantined with ids; all failing: 422", () =>
    Effect.gen(function*() {
      const mixed = yield* post("/v1/ingest/orders", [good(2), bad(3)], { key: KEYS.all })
      assert.strictEqual(mixed.status, 207)
      assert.deepStrictEqual(mixed.body["results"].map((r: any) => [r.index, r.passed, r.quarantine_id === null]), [[0, true, true], [1, false, false]])
      assert.deepStrictEqual(mixed.body["results"][1].violations.map((v: any) => v.kind), ["pattern_mismatch", "range_violation"])
      const id = mixed.body["results"][1].quarantine_id
      const listed = yield* get("/quarantine?contract_id=orders", KEYS.all)
      assert.isTrue(listed.body.some((row: any) => row.id === id && row.violation_count === 2))
      const failed = yield* post("/ingest/orders", [bad(4)], { key: KEYS.all })
      assert.strictEqual(failed.status, 422)
    }))

  it.effect("atomic with a failure persists nothing but one audit summary; dry_run persists nothing", () =>
    Effect.gen(function*() {
      const before = stored("accepted", "orders").length
      const atomic = yield* post("/ingest/orders?atomic=true", [good(5), bad(6)], { key: KEYS.all })
      assert.strictEqual(atomic.status, 422)
      assert.isFalse(atomic.body["results"][0].forwarded)
      const dry = yield* post("/ingest/orders?dry_run=true", [good(7)], { key: KEYS.all })
      assert.strictEqual(dry.status, 200)
      assert.isFalse(dry.body["results"][0].forwarded)
      assert.strictEqual(stored("accepted", "orders").length, before)
      assert.isTrue(stored("audit", "orders").some((row) => row.raw_event?.batch_rejected === true && row.raw_event.first_failing_index === 1))
    }))

  it.effect("version pins: path, header beats path, query; unknown 404; deprecated 422; no stable 409", () =>
    Effect.gen(function*() {
      const path = yield* post("/ingest/orders@1.0", good(8), { key: KEYS.all })
      assert.deepStrictEqual([path.status, path.body["version_pin_source"], path.body["resolved_version"]], [200, "path", "1.0"])
      const header = yield* post("/ingest/orders@1.0", good(9), { key: KEYS.all, headers: { "x-contract-version": " 3.0 " } })
      assert.deepStrictEqual([header.body["version_pin_source"], header.body["resolved_version"], header.status], ["header", "3.0", 422])
      const query = yield* post("/v1/ingest/orders?version=1.0", good(10), { key: KEYS.all })
      assert.strictEqual(query.body["version_pin_source"], "query_param")
      const unknown = yield* post("/ingest/orders@9.9", good(11), { key: KEYS.all })
      assert.deepStrictEqual(unknown.body, { error: "Version 9.9 not found on contract orders", status: 404 })
      const deprecated = yield* post("/ingest/orders@0.9", good(12), { key: KEYS.all })
      assert.strictEqual(deprecated.status, 422)
      assert.strictEqual(deprecated.body["batch"].version_pin_source, "pinned_deprecated")
      const row = stored("quarantine", "orders").find((q) => q.raw_event.order_id === "ord_12")
      assert.strictEqual(row.violation_details[0].kind, "deprecated_contract_version")
      const none = yield* post("/ingest/drafts", good(13), { key: KEYS.all })
      assert.deepStrictEqual(none.body, { error: "Contract drafts has no stable version yet", status: 409 })
      const missing = yield* post("/ingest/nope", good(13), { key: KEYS.all })
      assert.strictEqual(missing.status, 404)
    }))

  it.effect("fallback: an event failing the newest stable but passing an older one says which version decided", () =>
    Effect.gen(function*() {
      const { currency: _, ...noCurrency } = good(14)
      const r = yield* post("/v1/ingest/orders", [good(15), noCurrency], { key: KEYS.all })
      assert.strictEqual(r.status, 200)
      assert.deepStrictEqual(r.body["results"].map((x: any) => x.contract_version), ["2.0", "1.0"])
    }))

  it.effect("NDJSON: blank lines skipped, a malformed line is a 400 naming its 0-based index", () =>
    Effect.gen(function*() {
      const ok = yield* post("/v1/ingest/orders", `${JSON.stringify(good(16))}\n\n${JSON.stringify(good(17))}\n`, {
        key: KEYS.all,
        contentType: "application/x-ndjson"
      })
      assert.deepStrictEqual([ok.status, ok.body["total"]], [200, 2])
      const broken = yield* post("/v1/ingest/orders", `${JSON.stringify(good(18))}\n{"order_id": \n`, {
        key: KEYS.all,
        contentType: "application/x-ndjson"
      })
      assert.strictEqual(broken.status, 400)
      assert.match(broken.body["error"], /^NDJSON parse error at line 1: /)
    }))

  it.effect("NDJSON without transforms: events stored and echoed as sent (CRLF, blanks around, non-ASCII), one audit row each", () =>
    Effect.gen(function*() {
      const events = [{ id: "p_1", amount: 1, note: "café ☕ \u00e9 \"q\"" }, { id: "bad", amount: -2 }, { id: "p_2", amount: 2.5 }]
      const body = `  ${JSON.stringify(events[0])}\r\n\n${JSON.stringify(events[1])}\r\n\t${JSON.stringify(events[2])}  \n`
      const r = yield* post("/v1/ingest/plain", body, { key: KEYS.all, contentType: "application/x-ndjson" })
      assert.strictEqual(r.status, 207)
      const results = r.body["results"] as Array<any>
      assert.deepStrictEqual(results.map((x) => [x.index, x.passed, x.forwarded, x.transformed_event]), [
        [0, true, true, events[0]],
        [1, false, false, events[1]],
        [2, true, true, events[2]]
      ])
      const accepted = stored("accepted", "plain")
      assert.deepStrictEqual(accepted.map((row) => row.event), [events[0], events[2]])
      const [quarantined] = stored("quarantine", "plain")
      assert.deepStrictEqual(quarantined, {
        id: results[1].quarantine_id,
        contract_id: "plain",
        contract_version: "1",
        raw_event: events[1],
        violation_details: results[1].violations,
        violation_count: 2,
        source_ip: null,
        quarantined_at: quarantined.quarantined_at,
        replay_of_quarantine_id: null
      })
      const audit = stored("audit", "plain")
      assert.deepStrictEqual(audit.map((row) => [row.event_id, row.passed, row.violation_count, row.violation_details, row.validation_us]), [
        [accepted[0].id, true, 0, [], results[0].validation_us],
        [quarantined.id, false, 2, results[1].violations, results[1].validation_us],
        [accepted[1].id, true, 0, [], results[2].validation_us]
      ])
      const ids = [...accepted, quarantined, ...audit].flatMap((row) => [row.id, row.event_id ?? row.id])
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      assert.strictEqual(new Set(ids).size, 6) // three events' rows, three audit rows
      assert.deepStrictEqual(Object.keys(audit[0]), [
        "id", "event_id", "contract_id", "contract_version", "passed", "violation_count", "violation_details", "validation_us",
        "source_ip", "source", "direction", "replay_of_quarantine_id", "created_at"
      ])
    }))

  it.effect("huge batches: > 1000 events on v0 is 400, > 10 MB on v1 is 413, an event > 1 MB is 413, empty is 400", () =>
    Effect.gen(function*() {
      const many = yield* post("/ingest/orders", Array.from({ length: 1001 }, (_, i) => good(i)), { key: KEYS.all })
      assert.deepStrictEqual(many.body, { error: "Invalid request: Batch too large: 1001 events submitted, maximum is 1000", status: 400 })
      const big = `${JSON.stringify({ ...good(1), pad: "x".repeat(1000) })}\n`.repeat(11_000)
      const huge = yield* post("/v1/ingest/orders", big, { key: KEYS.all, contentType: "application/x-ndjson" })
      assert.strictEqual(huge.status, 413)
      const fat = yield* post("/v1/ingest/orders", [{ ...good(1), pad: "x".repeat(1_100_000) }], { key: KEYS.all })
      assert.deepStrictEqual([fat.status, (fat.body["error"] as string).startsWith("Event at index 0 exceeds the 1 MB per-event limit")], [413, true])
      const empty = yield* post("/ingest/orders", [], { key: KEYS.all })
      assert.deepStrictEqual(empty.body, { error: "Invalid request: Empty event batch", status: 400 })
    }))

  it.effect("Idempotency-Key: same body replays the first response, another body is a conflict", () =>
    Effect.gen(function*() {
      const headers = { "idempotency-key": "batch-42" }
      const first = yield* post("/v1/ingest/orders", [good(20)], { key: KEYS.all, headers })
      // Batches in between reuse the gateway's buffers: the kept response must not change with them.
      for (let i = 0; i < 3; i++) yield* post("/v1/ingest/orders", [good(22 + i), bad(22 + i)], { key: KEYS.all })
      const again = yield* post("/v1/ingest/orders", [good(20)], { key: KEYS.all, headers })
      assert.deepStrictEqual(again.body, first.body)
      assert.strictEqual(again.headers["x-idempotency-replay"], "true")
      assert.strictEqual(stored("accepted", "orders").filter((row) => row.event.order_id === "ord_20").length, 1)
      const other = yield* post("/v1/ingest/orders", [good(21)], { key: KEYS.all, headers })
      assert.deepStrictEqual([other.status, other.body["error"]], [422, "idempotency_conflict"])
    }))

  it.effect("rate limit: past the burst, 429 with retry_after_ms and headers", () =>
    Effect.gen(function*() {
      const statuses: Array<number> = []
      let last: any
      for (let i = 0; i < 3; i++) {
        last = yield* post("/v1/ingest/orders", [good(30 + i)], { key: KEYS.limited })
        statuses.push(last.status)
      }
      assert.deepStrictEqual(statuses, [200, 200, 429])
      assert.strictEqual(last.body.error, "rate_limit_exceeded")
      assert.isAbove(last.body.retry_after_ms, 0)
      assert.strictEqual(last.headers["x-ratelimit-remaining"], "0")
    }))

  it.effect("replay: a fixed event replays into the target version once; unknown ids are not_found", () =>
    Effect.gen(function*() {
      // Fails 2.0 (and 1.0: negative amount is never fine); 3.0 is the same check, so make one that only fails on currency.
      const { currency: _, ...noCurrency } = good(40)
      const strict = yield* post("/ingest/orders@2.0", noCurrency, { key: KEYS.all })
      const id = stored("quarantine", "orders").find((q) => q.raw_event.order_id === "ord_40").id
      assert.strictEqual(strict.status, 422)
      const replayed = yield* post("/contracts/orders/quarantine/replay", { ids: [id, randomUUID()], target_version: "1.0" }, { key: KEYS.all })
      assert.strictEqual(replayed.status, 200)
      assert.deepStrictEqual(replayed.body["results"].map((r: any) => r.outcome), ["replayed", "not_found"])
      assert.strictEqual(replayed.body["results"][0].contract_version_matched, "1.0")
      const twice = yield* post("/contracts/orders/quarantine/replay", { ids: [id] }, { key: KEYS.all })
      assert.strictEqual(twice.body["results"][0].outcome, "already_replayed")
      const stillBad = yield* post("/contracts/orders/quarantine/replay", {
        ids: [stored("quarantine", "orders").find((q) => q.raw_event.order_id === "x4").id]
      }, { key: KEYS.all })
      assert.strictEqual(stillBad.body["results"][0].outcome, "still_quarantined")
      const none = yield* post("/contracts/orders/quarantine/replay", { ids: [] }, { key: KEYS.all })
      assert.strictEqual(none.status, 400)
    }))
})

// A record in an old day's directory that claims to be valid for ever: a restarted gateway must not even read it.
const staleBody = JSON.stringify([good(22)])
mkdirSync(join(dir, "data", "idempotency", "orders", "2020-01-01"), { recursive: true })
writeFileSync(join(dir, "data", "idempotency", "orders", "2020-01-01", "0-stale.jsonl"), JSON.stringify({
  key: "all\u0000orders\u0000stale",
  body_sha256: createHash("sha256").update(staleBody).digest("hex"),
  status: 299,
  body: "{\"stale\":true}",
  expires_at: "2999-01-01T00:00:00.000Z"
}) + "\n")

describe("gateway restart", () => {
  layer(servedGateway(dir))("a second gateway over the same storage", (it) => {
    it.effect("sees the quarantine rows the first one wrote", () =>
      Effect.gen(function*() {
        const listed = yield* get("/quarantine?contract_id=orders&limit=500", KEYS.all)
        assert.isAtLeast(listed.body.length, stored("quarantine", "orders").filter((q) => q.replay_of_quarantine_id === null).length)
      }))

    it.effect("answers an Idempotency-Key retry with the first gateway's response; another body is still a conflict", () =>
      Effect.gen(function*() {
        const headers = { "idempotency-key": "batch-42" }
        const again = yield* post("/v1/ingest/orders", [good(20)], { key: KEYS.all, headers })
        assert.strictEqual(again.headers["x-idempotency-replay"], "true")
        assert.strictEqual(again.body["results"][0].transformed_event.order_id, "ord_20")
        assert.strictEqual(stored("accepted", "orders").filter((row) => row.event.order_id === "ord_20").length, 1)
        const other = yield* post("/v1/ingest/orders", [good(21)], { key: KEYS.all, headers })
        assert.deepStrictEqual([other.status, other.body["error"]], [422, "idempotency_conflict"])
      }))

    it.effect("does not read idempotency records from directories older than yesterday", () =>
      Effect.gen(function*() {
        const r = yield* post("/v1/ingest/orders", staleBody, { key: KEYS.all, headers: { "idempotency-key": "stale" } })
        assert.deepStrictEqual([r.status, r.headers["x-idempotency-replay"]], [200, undefined])
      }))
  })
})
