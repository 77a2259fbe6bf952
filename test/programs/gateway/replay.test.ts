/**
 * Replay by event id (`POST /quarantine/replay`), replay history (per
 * contract and by event id), the replay columns of `GET /quarantine`, bad
 * replay bodies, and all of it again from a second gateway over the same
 * storage.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fixtureDir, KEYS, servedGateway } from "./gatewayFixture.ts"
import { get, post, storedIn } from "./gatewayHttp.ts"

// The fixture plus a second served contract, `refunds` (one stable version), so that ids can span contracts.
const dir = fixtureDir()
const config = join(dir, "gateway.yaml")
writeFileSync(config, readFileSync(config, "utf8").replace("  - id: drafts\n", `  - id: refunds
    pii_salt_env: ORDERS_SALT
    versions:
      - {file: orders-1.0.yaml, state: stable, promoted_at: "2026-01-01T00:00:00Z"}
  - id: drafts
`))
const stored = storedIn(dir)

/** Fails 2.0 (no currency) but passes 1.0: the newest stable refuses it, the fallback takes it. */
const noCurrency = (n: number) => ({ order_id: `ord_${n}`, amount: 10 + n, customer: { email: `c${n}@example.com` } })
const bad = (n: number) => ({ order_id: `x${n}`, amount: -1, customer: { email: "e@example.com" } })

/** Quarantines `event` on `contract` (pinned to `version`) and returns its quarantine id. */
const quarantine = (contract: string, event: unknown, version: string) =>
  Effect.gen(function*() {
    const response = yield* post(`/v1/ingest/${contract}?version=${version}`, [event], { key: KEYS.all })
    const id = response.body["results"][0].quarantine_id
    assert.isString(id, `the event was not quarantined: ${JSON.stringify(response.body)}`)
    return id as string
  })

const replayEvents = (body: unknown, key: string = KEYS.all) => post("/quarantine/replay", body, { key })

/** Rows that the failed replays of `id` wrote. */
const replayRowsOf = (id: string) => stored("quarantine", "orders").filter((row) => row.replay_of_quarantine_id === id)

/** Ids shared with the restart tests below. */
const ids = { passed: "", twice: "" }

layer(servedGateway(dir))("replay by event id and replay history", (it) => {
  it.effect("POST /quarantine/replay: ids of two contracts, answered in input order", () =>
    Effect.gen(function*() {
      const fixed = yield* quarantine("orders", noCurrency(1), "2.0")
      const broken = yield* quarantine("orders", bad(2), "2.0")
      const refund = yield* quarantine("refunds", bad(3), "1.0")
      const unknown = randomUUID()
      const r = yield* replayEvents({ event_ids: [fixed, unknown, broken, refund, fixed] })
      assert.strictEqual(r.status, 200)
      assert.strictEqual(r.body["replayed"], 1)
      const outcomes: Array<any> = r.body["outcomes"]
      assert.deepStrictEqual(outcomes.map((o) => o.event_id), [fixed, unknown, broken, refund, fixed])
      assert.deepStrictEqual(outcomes.map((o) => o.passed), [true, false, false, false, false])
      // The fallback decided the fixed event; an unknown id names no version; a repeat is already replayed (target 2.0).
      assert.deepStrictEqual(outcomes.map((o) => o.version), ["1.0", "", "2.0", "1.0", "2.0"])
      assert.deepStrictEqual(outcomes[2].violations.map((v: any) => v.kind), ["pattern_mismatch", "range_violation", "missing_required_field"])
      assert.deepStrictEqual([outcomes[1].violations, outcomes[4].violations], [[], []])
      assert.strictEqual(new Set(outcomes.map((o) => o.replayed_at)).size, 1)
      // Same stamping and rows as the per-contract route: a stamp for the passing one, a linked row for each failing one.
      assert.strictEqual(stored("replays", "orders").filter((s) => s.quarantine_id === fixed).length, 1)
      assert.strictEqual(replayRowsOf(broken).length, 1)
      assert.strictEqual(stored("quarantine", "refunds").filter((row) => row.replay_of_quarantine_id === refund).length, 1)
      const again = yield* post("/contracts/orders/quarantine/replay", { ids: [fixed] }, { key: KEYS.all })
      assert.strictEqual(again.body["results"][0].outcome, "already_replayed")
      ids.passed = fixed
    }))

  it.effect("contract_id: an id of another contract is a 400; a contract outside the key's scope 401; unknown 404", () =>
    Effect.gen(function*() {
      const order = yield* quarantine("orders", noCurrency(10), "2.0")
      const refund = yield* quarantine("refunds", bad(11), "1.0")
      const mixed = yield* replayEvents({ event_ids: [order, refund], contract_id: "orders" })
      assert.deepStrictEqual(mixed.body, { error: `Invalid request: event ${refund} belongs to contract refunds, not orders`, status: 400 })
      assert.strictEqual(replayRowsOf(order).length + stored("replays", "orders").filter((s) => s.quarantine_id === order).length, 0)
      const scoped = yield* replayEvents({ event_ids: [order], contract_id: "orders" }, KEYS.ordersOnly)
      assert.deepStrictEqual(scoped.body, { error: "Unauthorized: missing or invalid API key", status: 401 })
      const missing = yield* replayEvents({ event_ids: [order], contract_id: "nope" })
      assert.deepStrictEqual(missing.body, { error: "Contract nope not found", status: 404 })
      const matching = yield* replayEvents({ event_ids: [order], contract_id: "orders" })
      assert.deepStrictEqual([matching.status, matching.body["replayed"]], [200, 1])
    }))

  it.effect("a key scoped to other contracts sees their events as unknown and replays nothing", () =>
    Effect.gen(function*() {
      const order = yield* quarantine("orders", noCurrency(20), "2.0")
      const r = yield* replayEvents({ event_ids: [order] }, KEYS.ordersOnly)
      assert.deepStrictEqual(r.body["outcomes"].map((o: any) => [o.passed, o.violations.length, o.version]), [[false, 0, ""]])
      assert.strictEqual(stored("replays", "orders").filter((s) => s.quarantine_id === order).length, 0)
      const history = yield* get(`/quarantine/replay-history?event_id=${order}`, KEYS.ordersOnly)
      assert.deepStrictEqual([history.status, history.body], [200, []])
      const chain = yield* get(`/contracts/orders/quarantine/${order}/replay-history`, KEYS.ordersOnly)
      assert.strictEqual(chain.status, 401)
    }))

  it.effect("a version missing on one contract refuses the whole request before anything is stamped", () =>
    Effect.gen(function*() {
      const order = yield* quarantine("orders", noCurrency(30), "2.0")
      const refund = yield* quarantine("refunds", bad(31), "1.0")
      const r = yield* replayEvents({ event_ids: [order, refund], version: "2.0" })
      assert.deepStrictEqual(r.body, { error: "Version 2.0 not found on contract refunds", status: 404 })
      const pinned = yield* replayEvents({ event_ids: [order], version: "1.0" })
      assert.deepStrictEqual(pinned.body["outcomes"].map((o: any) => [o.passed, o.version]), [[true, "1.0"]])
    }))

  it.effect("two concurrent replays of one id, one per route: exactly one stamps it", () =>
    Effect.gen(function*() {
      const id = yield* quarantine("orders", noCurrency(35), "2.0")
      const [byEvent, byContract] = yield* Effect.all([
        replayEvents({ event_ids: [id] }),
        post("/contracts/orders/quarantine/replay", { ids: [id] }, { key: KEYS.all })
      ], { concurrency: 2 })
      const passed = [byEvent.body["outcomes"][0].passed, byContract.body["results"][0].outcome === "replayed"]
      assert.strictEqual(passed.filter(Boolean).length, 1, JSON.stringify(passed))
      assert.strictEqual(stored("replays", "orders").filter((s) => s.quarantine_id === id).length, 1)
    }))

  it.effect("bad replay bodies are 400s that say what is wrong", () =>
    Effect.gen(function*() {
      const id = randomUUID()
      const cases: Array<[unknown, string]> = [
        ["{\"event_ids\": [", "Invalid request: body is not JSON: "],
        [[id], "Invalid request: the body must be a JSON object with 'event_ids' (a list of quarantine ids)"],
        [{ ids: [id] }, "Invalid request: 'event_ids' must be a list of 1 to 1000 quarantine ids"],
        [{ event_ids: id }, "Invalid request: 'event_ids' must be a list of 1 to 1000 quarantine ids"],
        [{ event_ids: [] }, "Invalid request: 'event_ids' is empty; give 1 to 1000 quarantine ids"],
        [{ event_ids: Array.from({ length: 1001 }, () => id) }, "Invalid request: 'event_ids' has 1001 ids; at most 1000 can be replayed in one request"],
        [{ event_ids: [id, "nope"] }, "Invalid request: 'event_ids[1]' is not a quarantine id (a UUID): \"nope\""],
        [{ event_ids: [id, 7] }, "Invalid request: 'event_ids[1]' is not a quarantine id (a UUID): 7"],
        [{ event_ids: [id], version: 2 }, "Invalid request: 'version' must be a string, got 2"],
        [{ event_ids: [id], contract_id: ["orders"] }, "Invalid request: 'contract_id' must be a string, got [\"orders\"]"]
      ]
      for (const [body, error] of cases) {
        const r = yield* replayEvents(body)
        assert.strictEqual(r.status, 400, JSON.stringify(body).slice(0, 80))
        assert.isTrue((r.body["error"] as string).startsWith(error), `${r.body["error"]} should start with ${error}`)
      }
      const exactly1000 = yield* replayEvents({ event_ids: Array.from({ length: 1000 }, () => randomUUID()) })
      assert.deepStrictEqual([exactly1000.status, exactly1000.body["outcomes"].length], [200, 1000])
      // The per-contract route checks its ids the same way.
      const contract = yield* post("/contracts/orders/quarantine/replay", { ids: ["nope"] }, { key: KEYS.all })
      assert.deepStrictEqual(contract.body, { error: "Invalid request: 'ids[0]' is not a quarantine id (a UUID): \"nope\"", status: 400 })
      const many = yield* post("/contracts/orders/quarantine/replay", { ids: Array.from({ length: 1001 }, () => id) }, { key: KEYS.all })
      assert.strictEqual(many.status, 400)
    }))

  it.effect("replay history: the source, its failed replays, then the passing one; by event id newest first", () =>
    Effect.gen(function*() {
      const id = yield* quarantine("orders", noCurrency(40), "2.0")
      const failed = yield* replayEvents({ event_ids: [id], version: "2.0" })
      assert.isFalse(failed.body["outcomes"][0].passed)
      const passed = yield* post("/contracts/orders/quarantine/replay", { ids: [id] }, { key: KEYS.all })
      const auditId = passed.body["results"][0].replayed_into_audit_id
      const chain = yield* get(`/contracts/orders/quarantine/${id}/replay-history`, KEYS.all)
      assert.strictEqual(chain.status, 200)
      assert.deepStrictEqual(chain.body.map((e: any) => [e.kind, e.contract_version]), [["source", "2.0"], ["failed_replay", "2.0"], ["passed_replay", "1.0"]])
      const [source, failedReplay, passedReplay] = chain.body
      assert.deepStrictEqual([source.id, source.status, source.violation_count, source.replayed_into_audit_id], [id, "replayed", 1, auditId])
      assert.strictEqual(source.replayed_at, passedReplay.created_at)
      assert.deepStrictEqual([failedReplay.id, failedReplay.violation_count], [replayRowsOf(id)[0].id, 1])
      assert.strictEqual(passedReplay.id, auditId)
      const attempts = yield* get(`/quarantine/replay-history?event_id=${id}`, KEYS.all)
      assert.deepStrictEqual(attempts.body.map((a: any) => [a.event_id, a.version, a.passed, a.violations.length]), [[id, "1.0", true, 0], [id, "2.0", false, 1]])
      const newest = yield* get(`/quarantine/replay-history?event_id=${id}&limit=1`, KEYS.all)
      assert.strictEqual(newest.body.length, 1)
      const listed = (yield* get("/quarantine?contract_id=orders&limit=500", KEYS.all)).body.find((row: any) => row.id === id)
      assert.deepStrictEqual([listed.replay_count, listed.last_replay_passed, listed.last_replayed_at], [2, true, source.replayed_at])
      ids.twice = id
    }))

  it.effect("replay history refusals: bad ids 400, another contract's row 404, unknown event id an empty list", () =>
    Effect.gen(function*() {
      const refund = yield* quarantine("refunds", bad(50), "1.0")
      const wrong = yield* get(`/contracts/orders/quarantine/${refund}/replay-history`, KEYS.all)
      assert.deepStrictEqual(wrong.body, { error: `Quarantine row ${refund} not found on contract orders`, status: 404 })
      const notUuid = yield* get("/contracts/orders/quarantine/nope/replay-history", KEYS.all)
      assert.deepStrictEqual(notUuid.body, { error: "Invalid request: quarantine id 'nope' is not a UUID", status: 400 })
      const fresh = yield* get(`/contracts/refunds/quarantine/${refund}/replay-history`, KEYS.all)
      assert.deepStrictEqual(fresh.body.map((e: any) => [e.kind, e.status, e.replayed_at]), [["source", "pending", null]])
      const none = yield* get("/quarantine/replay-history", KEYS.all)
      assert.deepStrictEqual(none.body, { error: "Invalid request: 'event_id' (a quarantine id) is required", status: 400 })
      const badId = yield* get("/quarantine/replay-history?event_id=x1", KEYS.all)
      assert.deepStrictEqual(badId.body, { error: "Invalid request: 'event_id' is not a quarantine id (a UUID): \"x1\"", status: 400 })
      const unknown = yield* get(`/quarantine/replay-history?event_id=${randomUUID()}`, KEYS.all)
      assert.deepStrictEqual([unknown.status, unknown.body], [200, []])
    }))
})

describe("replay state after a restart", () => {
  layer(servedGateway(dir))("a second gateway over the same storage", (it) => {
    it.effect("keeps stamps, failed-replay rows and history", () =>
      Effect.gen(function*() {
        const again = yield* replayEvents({ event_ids: [ids.passed, ids.twice] })
        assert.deepStrictEqual(again.body["outcomes"].map((o: any) => o.passed), [false, false])
        assert.deepStrictEqual(again.body["outcomes"].map((o: any) => o.violations), [[], []])
        const chain = yield* get(`/contracts/orders/quarantine/${ids.twice}/replay-history`, KEYS.all)
        assert.deepStrictEqual(chain.body.map((e: any) => e.kind), ["source", "failed_replay", "passed_replay"])
        assert.strictEqual(chain.body[0].status, "replayed")
        const attempts = yield* get(`/quarantine/replay-history?event_id=${ids.twice}`, KEYS.all)
        assert.deepStrictEqual(attempts.body.map((a: any) => a.passed), [true, false])
        const listed = (yield* get("/quarantine?contract_id=orders&limit=500", KEYS.all)).body.find((row: any) => row.id === ids.passed)
        assert.deepStrictEqual([listed.replay_count, listed.last_replay_passed], [1, true])
      }))
  })
})
