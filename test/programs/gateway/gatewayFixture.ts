/**
 * A gateway on 127.0.0.1 (ephemeral port) over a temporary directory: the
 * `orders` contract in four versions (0.9 deprecated, 1.0 and 2.0 stable
 * with fallback, 3.0 draft), a `drafts` contract with no stable version,
 * `plain` (no transforms), `listings` (an envelope contract), `profiles`
 * (egress with `egress_leakage_mode: strip`), and three API keys.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { HttpRouter } from "effect/http"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRegistry } from "../../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../../src/layers/StorageClientLive.ts"
import { hashApiKey } from "../../../src/programs/gateway/auth.ts"
import { gatewayLayer } from "../../../src/programs/gateway/server.ts"

export const KEYS = { all: "cg_live_all_0001", ordersOnly: "cg_live_orders_02", limited: "cg_live_limited_3" } as const

const ordersYaml = (version: string, extra: string) => `version: "${version}"
name: orders
ontology:
  entities:
    - {name: order_id, type: string, pattern: "^ord_[0-9]+$"}
    - {name: amount, type: float, min: 0}
    - name: customer
      type: object
      properties:
        - {name: email, type: string, transform: {kind: redact}}
        - {name: id, type: string, required: false, transform: {kind: hash}}
${extra}`

const keyLine = (name: string, value: string, extra = "") => `  - {name: ${name}, sha256: ${hashApiKey(Redacted.make(value))}${extra}}`

export const fixtureDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-gateway-"))
  writeFileSync(join(dir, "orders-0.9.yaml"), ordersYaml("0.9", ""))
  writeFileSync(join(dir, "orders-1.0.yaml"), ordersYaml("1.0", ""))
  writeFileSync(join(dir, "orders-2.0.yaml"), ordersYaml("2.0", "    - {name: currency, type: string, enum: [EUR, USD]}\n"))
  writeFileSync(join(dir, "orders-3.0.yaml"), ordersYaml("3.0", "    - {name: channel, type: string}\n"))
  writeFileSync(join(dir, "drafts.yaml"), ordersYaml("0.1", ""))
  // No transforms: the gateway copies each NDJSON event's bytes as sent into its response and rows.
  writeFileSync(join(dir, "plain.yaml"), `version: "1"
name: plain
ontology:
  entities:
    - {name: id, type: string, pattern: "^p_[0-9]+$"}
    - {name: amount, type: float, min: 0}
    - {name: note, type: string, required: false}
`)
  // An envelope contract: one object per request, records under `data`, wrapper checked.
  writeFileSync(join(dir, "listings.yaml"), `version: "1"
name: listings
envelope: {records_path: data, validate_wrapper: true}
ontology:
  entities:
    - {name: id, type: string}
    - {name: email, type: string, required: false, transform: {kind: redact}}
`)
  // For egress: undeclared fields are stripped before records leave.
  writeFileSync(join(dir, "profiles.yaml"), `version: "1"
name: profiles
egress_leakage_mode: strip
ontology:
  entities:
    - {name: id, type: string}
    - {name: email, type: string, transform: {kind: redact}}
`)
  writeFileSync(join(dir, "gateway.yaml"), `storage: ./data
rate_limit: {requests_per_second: 1000, burst: 100000}
contracts:
  - id: orders
    multi_stable_resolution: fallback
    pii_salt_env: ORDERS_SALT
    versions:
      - {file: orders-0.9.yaml, state: deprecated, promoted_at: "2025-06-01T00:00:00Z"}
      - {file: orders-1.0.yaml, state: stable, promoted_at: "2026-01-01T00:00:00Z"}
      - {file: orders-2.0.yaml, state: stable, promoted_at: "2026-06-01T00:00:00Z"}
      - {file: orders-3.0.yaml, state: draft}
  - id: plain
    versions:
      - {file: plain.yaml, state: stable}
  - id: listings
    pii_salt_env: ORDERS_SALT
    versions:
      - {file: listings.yaml, state: stable}
  - id: profiles
    pii_salt_env: ORDERS_SALT
    versions:
      - {file: profiles.yaml, state: stable}
  - id: drafts
    pii_salt_env: ORDERS_SALT
    versions:
      - {file: drafts.yaml, state: draft}
api_keys:
${keyLine("all", KEYS.all)}
${keyLine("orders-only", KEYS.ordersOnly, ", contracts: [drafts]")}
${keyLine("limited", KEYS.limited, ", rate_limit: {requests_per_second: 0.001, burst: 2}")}
`)
  return dir
}

export const ENV = { ORDERS_SALT: "test-salt-not-secret" }

/** The gateway's routes over a storage client whose local paths resolve in `dir`. */
export const gatewayRoutesIn = (dir: string) =>
  Layer.unwrap(Effect.gen(function*() {
    const client = yield* makeStorageClient({ config: { profiles: {}, pathMapping: [] } as never, registry: defaultRegistry, cwd: dir })
    return gatewayLayer({ configFile: join(dir, "gateway.yaml"), env: ENV, client })
  }))

/** A served gateway plus an HttpClient whose base URL is the server. */
export const servedGateway = (dir: string) => HttpRouter.serve(gatewayRoutesIn(dir)).pipe(Layer.provideMerge(NodeHttpServer.layerTest))
