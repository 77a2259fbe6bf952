import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRegistry } from "../../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../../src/layers/StorageClientLive.ts"
import { GatewayStoreError, makeGatewayStore } from "../../../src/programs/gateway/store.ts"

/** A store over `data/` in a fresh directory where `files` (paths under data/) were written first. */
const storeOver = (files: Record<string, string>) =>
  Effect.gen(function*() {
    const dir = mkdtempSync(join(tmpdir(), "strata-gateway-store-"))
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, "data", path, ".."), { recursive: true })
      writeFileSync(join(dir, "data", path), text)
    }
    const client = yield* makeStorageClient({ config: { profiles: {}, pathMapping: [] } as never, registry: defaultRegistry, cwd: dir })
    return yield* Effect.exit(makeGatewayStore(client, "data"))
  })

const row = { id: "q1", contract_id: "orders", contract_version: "1.0", raw_event: {}, violation_details: [], violation_count: 0, source_ip: null, quarantined_at: "2026-11-23T00:00:00Z", replay_of_quarantine_id: null }

describe("gateway store at start", () => {
  it.effect("indexes the rows, stamps and Idempotency-Key records it finds", () =>
    Effect.gen(function*() {
      const exit = yield* storeOver({
        "quarantine/orders/2026-11-23/a.jsonl": `${JSON.stringify(row)}\n`,
        "replays/orders/2026-11-23/b.jsonl": `${JSON.stringify({ quarantine_id: "q1", replayed_at: "2026-11-23T01:00:00Z", contract_version: "1.0", replayed_into_id: "a1" })}\n`
      })
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) {
        assert.strictEqual(exit.value.get("q1")?.contract_id, "orders")
        assert.strictEqual(exit.value.stampOf("q1")?.replayed_into_id, "a1")
      }
    }))

  it.effect("refuses to start on a damaged line, naming the object and the line", () =>
    Effect.gen(function*() {
      const notJson = yield* storeOver({ "quarantine/orders/2026-11-23/a.jsonl": `${JSON.stringify(row)}\n{"id": "q2", trunc\n` })
      assert.isTrue(Exit.isFailure(notJson))
      const error = Exit.isFailure(notJson) ? notJson.cause.reasons[0] : undefined
      const failure = error?._tag === "Fail" ? error.error : undefined
      assert.instanceOf(failure, GatewayStoreError)
      assert.strictEqual((failure as GatewayStoreError).line, 2)
      assert.match((failure as GatewayStoreError).message, /quarantine\/orders\/2026-11-23\/a\.jsonl line 2 is not JSON/)

      const wrongShape = yield* storeOver({ "replays/orders/2026-11-23/b.jsonl": `{"quarantine_id": 7}\n` })
      const reason = Exit.isFailure(wrongShape) ? wrongShape.cause.reasons[0] : undefined
      const wrong = reason?._tag === "Fail" ? reason.error : undefined
      assert.instanceOf(wrong, GatewayStoreError)
      assert.match((wrong as GatewayStoreError).message, /b\.jsonl line 1 is not a replay stamp: quarantine_id: expected string\.$/)
    }))
})
