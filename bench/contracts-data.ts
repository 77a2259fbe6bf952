/**
 * The benchmark contract (an order event: 12 fields, a nested object, an
 * array of objects, patterns, enums, ranges, lengths), the JSON Schema
 * equivalent for ajv, and a deterministic stream of events (9 in 10 valid).
 *
 * @since 0.1.0
 */

export const CONTRACT_YAML = `version: "1.0"
name: orders
ontology:
  entities:
    - {name: order_id, type: string, pattern: "^ord_[0-9a-f]{8}$"}
    - {name: customer_id, type: string, min_length: 3, max_length: 40}
    - {name: status, type: string, enum: [pending, paid, shipped, cancelled]}
    - {name: amount, type: float, min: 0, max: 1000000}
    - {name: quantity, type: integer, min: 1, max: 1000}
    - {name: currency, type: string, pattern: "^[A-Z]{3}$"}
    - {name: created_at, type: date}
    - {name: gift, type: boolean, required: false}
    - {name: note, type: string, required: false, max_length: 200}
    - name: shipping
      type: object
      properties:
        - {name: country, type: string, pattern: "^[A-Z]{2}$"}
        - {name: zip, type: string, min_length: 3, max_length: 10}
        - {name: express, type: boolean, required: false}
    - name: lines
      type: array
      items:
        name: line
        type: object
        properties:
          - {name: sku, type: string, pattern: "^[A-Z0-9-]+$"}
          - {name: qty, type: integer, min: 1}
          - {name: price, type: float, min: 0}
    - {name: channel, type: string, enum: [web, app, store]}
`

const object = (properties: Record<string, unknown>, required: ReadonlyArray<string>) => ({ type: "object", properties, required })

/** The same rules as JSON Schema (draft 7); `format: date` has no ajv equivalent without ajv-formats, so a pattern stands in. */
export const JSON_SCHEMA = object({
  order_id: { type: "string", pattern: "^ord_[0-9a-f]{8}$" },
  customer_id: { type: "string", minLength: 3, maxLength: 40 },
  status: { type: "string", enum: ["pending", "paid", "shipped", "cancelled"] },
  amount: { type: "number", minimum: 0, maximum: 1000000 },
  quantity: { type: "integer", minimum: 1, maximum: 1000 },
  currency: { type: "string", pattern: "^[A-Z]{3}$" },
  created_at: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
  gift: { type: "boolean" },
  note: { type: "string", maxLength: 200 },
  shipping: object({
    country: { type: "string", pattern: "^[A-Z]{2}$" },
    zip: { type: "string", minLength: 3, maxLength: 10 },
    express: { type: "boolean" }
  }, ["country", "zip"]),
  lines: {
    type: "array",
    items: object({
      sku: { type: "string", pattern: "^[A-Z0-9-]+$" },
      qty: { type: "integer", minimum: 1 },
      price: { type: "number", minimum: 0 }
    }, ["sku", "qty", "price"])
  },
  channel: { type: "string", enum: ["web", "app", "store"] }
}, ["order_id", "customer_id", "status", "amount", "quantity", "currency", "created_at", "shipping", "lines", "channel"])

/** Event `i`: valid unless `i % 10 === 9` (then two rules broken). */
export const eventAt = (i: number): Record<string, unknown> => {
  const bad = i % 10 === 9
  return {
    order_id: `ord_${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}`,
    customer_id: `cust-${i % 977}`,
    status: bad ? "lost" : ["pending", "paid", "shipped", "cancelled"][i % 4],
    amount: (i % 5000) + 0.99,
    quantity: bad ? 0 : 1 + (i % 20),
    currency: "EUR",
    created_at: `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    ...(i % 3 === 0 ? { gift: true } : {}),
    shipping: { country: "FR", zip: `${75000 + (i % 100)}`, express: i % 2 === 0 },
    lines: [
      { sku: `SKU-${i % 100}`, qty: 1 + (i % 3), price: 9.5 },
      { sku: `SKU-${(i + 7) % 100}`, qty: 2, price: 20 }
    ],
    channel: ["web", "app", "store"][i % 3]
  }
}

export const BATCH = 1000
export const BATCHES = 40
export const KEY = "cg_live_bench_key"

/** The NDJSON bodies the ingest benchmark sends. */
export const ingestBodies = () =>
  Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, i) => JSON.stringify(eventAt(b * BATCH + i))).join("\n") + "\n")
