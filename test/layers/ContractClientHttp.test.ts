import { assert, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { FetchHttpClient, HttpServer } from "effect/http"
import * as ContractClientHttp from "../../src/layers/ContractClientHttp.ts"
import { fixtureDir, KEYS, servedGateway } from "../programs/gateway/gatewayFixture.ts"

/** A client of the served gateway, over a plain fetch client (not the test server's preset one). */
const clientWith = (apiKey: string) =>
  Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    const address = server.address
    const port = address._tag === "UnixPathAddress" ? 0 : address.port
    return yield* ContractClientHttp.make({ baseUrl: `http://127.0.0.1:${port}/`, apiKey: Redacted.make(apiKey) }).pipe(
      Effect.provide(FetchHttpClient.layer)
    )
  })

const order = (n: number, amount = 10) => ({ order_id: `ord_${n}`, amount, currency: "EUR", customer: { email: "a@example.com" } })

layer(servedGateway(fixtureDir()))("ContractClient over real HTTP", (it) => {
  it.effect("ingest returns typed per-event results; 422 all-failed is an answer, not an error", () =>
    Effect.gen(function*() {
      const client = yield* clientWith(KEYS.all)
      const mixed = yield* client.ingest("orders", [order(1), order(2, -5)])
      assert.deepStrictEqual([mixed.total, mixed.passed, mixed.failed], [2, 1, 1])
      assert.strictEqual(mixed.results[1]!.violations[0]!.kind, "range_violation")
      assert.isString(mixed.results[1]!.quarantine_id)
      const failed = yield* client.ingest("orders", [order(3, -1)], { version: "1.0", dryRun: true })
      assert.deepStrictEqual([failed.passed, failed.dry_run, failed.version_pin_source], [0, true, "query_param"])
    }))

  it.effect("gateway refusals are typed errors with a reason", () =>
    Effect.gen(function*() {
      const wrongKey = yield* Effect.flip((yield* clientWith("cg_live_nope")).ingest("orders", [order(4)]))
      assert.deepStrictEqual([wrongKey.reason, wrongKey.status], ["Unauthorized", 401])
      const client = yield* clientWith(KEYS.all)
      const noStable = yield* Effect.flip(client.ingest("drafts", [order(5)]))
      assert.strictEqual(noStable.reason, "NoStableVersion")
      const deprecated = yield* Effect.flip(client.ingest("orders", [order(6)], { version: "0.9" }))
      assert.strictEqual(deprecated.reason, "DeprecatedVersion")
      yield* client.ingest("orders", [order(7)], { idempotencyKey: "k1" })
      const conflict = yield* Effect.flip(client.ingest("orders", [order(8)], { idempotencyKey: "k1" }))
      assert.strictEqual(conflict.reason, "IdempotencyConflict")
    }))

  it.effect("replay: quarantined events replayed against a version", () =>
    Effect.gen(function*() {
      const client = yield* clientWith(KEYS.all)
      const { currency: _, ...noCurrency } = order(9)
      const strict = yield* client.ingest("orders", [noCurrency], { version: "2.0" })
      const id = strict.results[0]!.quarantine_id!
      const replayed = yield* client.replay("orders", [id], { targetVersion: "1.0" })
      assert.deepStrictEqual([replayed.replayed, replayed.results[0]!.outcome, replayed.target_version_source], [1, "replayed", "explicit"])
      const history = yield* client.replayHistory("orders", id)
      assert.deepStrictEqual(history.map((entry) => entry.kind), ["source", "passed_replay"])
      const again = yield* client.replayEvents([id, "00000000-0000-4000-8000-000000000000"], { version: "1.0" })
      assert.deepStrictEqual(again.outcomes.map((outcome) => [outcome.event_id, outcome.passed]), [[id, false], ["00000000-0000-4000-8000-000000000000", false]])
      const malformed = yield* Effect.flip(client.replayEvents(["nope"]))
      assert.strictEqual(malformed.reason, "InvalidRequest")
    }))

  it.effect("egress: the records that may leave and an outcome each; a fail disposition's 422 is an answer", () =>
    Effect.gen(function*() {
      const client = yield* clientWith(KEYS.all)
      const shipped = yield* client.egress("profiles", [{ id: "p1", email: "a@example.com", score: 1 }, { email: "b" }])
      assert.deepStrictEqual(shipped.payload, [{ id: "p1", email: "<REDACTED>" }])
      assert.deepStrictEqual(shipped.outcomes.map((outcome) => [outcome.action, outcome.stripped_fields ?? []]), [["included", ["score"]], ["blocked", []]])
      const failed = yield* client.egress("profiles", [{ email: "b" }], { disposition: "fail", version: "1", dryRun: true })
      assert.deepStrictEqual([failed.failed, failed.payload, failed.dry_run, failed.resolved_version], [1, [], true, "1"])
      const unknown = yield* Effect.flip(client.egress("profiles", [{}], { version: "9" }))
      assert.strictEqual(unknown.reason, "NotFound")
    }))
})
