import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { fixtureDir, KEYS, servedGateway } from "./gatewayFixture.ts"
import { post, storedIn } from "./gatewayHttp.ts"

const dir = fixtureDir()
const stored = storedIn(dir)

layer(servedGateway(dir))("gateway: envelope contracts and egress over real HTTP", (it) => {
  it.effect("an envelope batch: 200 with the envelope result, rows per record, PII transformed", () =>
    Effect.gen(function*() {
      const page = { success: true, data: [{ id: "a", email: "a@example.com" }, { id: 7 }], pagination: { page: 1, limit: 2, total: 2, hasMore: false } }
      const r = yield* post("/v1/ingest/listings", page, { key: KEYS.all })
      assert.strictEqual(r.status, 200)
      assert.deepStrictEqual([r.body["passed"], r.body["quarantined"]], [1, 1])
      assert.deepStrictEqual(r.body["violations"].map((v: any) => [v.record_index, v.field, v.kind]), [[1, "id", "type_mismatch"]])
      assert.isNumber(r.body["validation_us"])
      const accepted = stored("accepted", "listings")
      assert.deepStrictEqual(accepted.map((row) => row.event), [{ id: "a", email: "<REDACTED>" }])
      const quarantined = stored("quarantine", "listings")
      assert.deepStrictEqual(quarantined.map((row) => [row.raw_event, row.violation_count]), [[{ id: 7 }, 1]])
      const audit = stored("audit", "listings")
      assert.deepStrictEqual(audit.map((row) => row.event_id).toSorted(), [accepted[0].id, quarantined[0].id].toSorted())
      assert.notInclude(JSON.stringify([accepted, audit]), "a@example.com")
    }))

  it.effect("an envelope batch: a bad wrapper quarantines every record; atomic stores one summary; dry_run nothing", () =>
    Effect.gen(function*() {
      const before = stored("quarantine", "listings").length
      const r = yield* post("/ingest/listings", { success: "yes", data: [{ id: "b" }, { id: "c" }] }, { key: KEYS.all })
      assert.deepStrictEqual([r.status, r.body["passed"], r.body["quarantined"]], [200, 0, 2])
      const rows = stored("quarantine", "listings").slice(before)
      assert.strictEqual(rows.length, 2)
      assert.isTrue(rows.every((row) => row.violation_details[0].field === "success"))
      const audits = stored("audit", "listings").length
      const atomic = yield* post("/ingest/listings?atomic=true", { success: true, data: [{ id: "d" }, { id: 1 }] }, { key: KEYS.all })
      assert.deepStrictEqual([atomic.status, atomic.body["quarantined"]], [200, 1])
      const summary = stored("audit", "listings").slice(audits)
      assert.deepStrictEqual(summary.map((row) => row.raw_event), [{ batch_rejected: true, atomic: true, envelope: true, passed: 1, quarantined: 1, violation_count: 1 }])
      const dry = yield* post("/ingest/listings?dry_run=true", { success: true, data: [{ id: "e" }] }, { key: KEYS.all })
      assert.deepStrictEqual([dry.status, dry.body["passed"]], [200, 1])
      assert.strictEqual(stored("audit", "listings").length, audits + 1)
    }))

  it.effect("an envelope contract refuses a bare array of several events with a sentence", () =>
    Effect.gen(function*() {
      const r = yield* post("/ingest/listings", [{ success: true, data: [] }, { success: true, data: [] }], { key: KEYS.all })
      assert.strictEqual(r.status, 400)
      assert.include(r.body["error"], "Envelope contract expects a single JSON object payload")
    }))

  it.effect("egress: block ships passing records transformed and stripped; audit rows say egress", () =>
    Effect.gen(function*() {
      const records = [{ id: "p1", email: "x@example.com", internal_score: 9 }, { email: "y@example.com" }]
      const r = yield* post("/egress/profiles", records, { key: KEYS.all })
      assert.strictEqual(r.status, 207)
      assert.deepStrictEqual(r.body["payload"], [{ id: "p1", email: "<REDACTED>" }])
      assert.deepStrictEqual(r.body["outcomes"].map((o: any) => [o.index, o.action, o.stripped_fields ?? null]), [[0, "included", ["internal_score"]], [1, "blocked", null]])
      assert.deepStrictEqual([r.body["disposition"], r.body["egress_leakage_mode"], r.body["resolved_version"]], ["block", "strip", "1"])
      const audit = stored("audit", "profiles")
      assert.deepStrictEqual(audit.map((row) => [row.direction, row.passed]), [["egress", true], ["egress", false]])
      assert.notInclude(JSON.stringify([audit, stored("quarantine", "profiles")]), "example.com")
    }))

  it.effect("egress: fail disposition is 422 and ships nothing; tag ships all; dry_run stores nothing; bad input is a 400", () =>
    Effect.gen(function*() {
      const records = [{ id: "p2", email: "a" }, { id: 3, email: "b" }]
      const failed = yield* post("/egress/profiles?disposition=fail", records, { key: KEYS.all })
      assert.deepStrictEqual([failed.status, failed.body["payload"]], [422, []])
      const audits = stored("audit", "profiles").length
      const tagged = yield* post("/egress/profiles?disposition=tag&dry_run=true", records, { key: KEYS.all })
      assert.deepStrictEqual([tagged.status, tagged.body["payload"].length, tagged.body["outcomes"][1].action], [207, 2, "tagged"])
      assert.strictEqual(stored("audit", "profiles").length, audits)
      const all = yield* post("/egress/profiles", [{ id: "p3", email: "c" }], { key: KEYS.all })
      assert.strictEqual(all.status, 200)
      const wrong = yield* post("/egress/profiles?disposition=drop", records, { key: KEYS.all })
      assert.deepStrictEqual([wrong.status, wrong.body["error"]], [400, "Invalid request: disposition must be one of block, fail, tag (got \"drop\")"])
      const empty = yield* post("/egress/profiles", [], { key: KEYS.all })
      assert.strictEqual(empty.status, 400)
      const deprecated = yield* post("/egress/orders@0.9", [{}], { key: KEYS.all })
      assert.deepStrictEqual([deprecated.status, deprecated.body["error"]], [400, "Invalid request: Version 0.9 on contract orders is deprecated; pin a stable version for egress"])
      const unknown = yield* post("/egress/orders@7.0", [{}], { key: KEYS.all })
      assert.strictEqual(unknown.status, 404)
      const unauthorized = yield* post("/egress/profiles", records, { key: KEYS.ordersOnly })
      assert.strictEqual(unauthorized.status, 401)
    }))
})
