/**
 * Where the gateway keeps what it decided, through `StorageClient` so any
 * storage profile works: one JSON Lines object per batch under
 * `<root>/<kind>/<contract>/<YYYY-MM-DD>/<time>-<uuid>.jsonl`, kind one of
 * `accepted`, `quarantine`, `audit`, `replays`. Every object is written
 * whole (atomic on every provider); nothing is appended in place, so
 * concurrent batches never race on a file.
 *
 * Quarantine rows and replay stamps are also indexed in memory (rebuilt from
 * storage at start) so that replay can find a row and stamp it with exactly
 * one winner.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { randomUUID } from "node:crypto"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import type { Violation } from "../../services/Contracts.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface QuarantineRow {
  readonly id: string
  readonly contract_id: string
  readonly contract_version: string
  readonly raw_event: unknown
  readonly violation_details: ReadonlyArray<Violation | Record<string, unknown>>
  readonly violation_count: number
  readonly source_ip: string | null
  readonly quarantined_at: string
  readonly replay_of_quarantine_id: string | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ReplayStamp {
  readonly quarantine_id: string
  readonly replayed_at: string
  readonly contract_version: string
  readonly replayed_into_id: string
}

/**
 * Rows already serialized as JSON Lines bytes, each line ending in a newline:
 * the ingest path builds a batch's accepted, quarantine and audit rows
 * directly as bytes.
 *
 * @since 0.1.0
 * @category models
 */
export class JsonLines {
  readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }
}

/**
 * What one decision writes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Writes {
  readonly accepted?: ReadonlyArray<Record<string, unknown>> | JsonLines
  readonly quarantine?: ReadonlyArray<QuarantineRow>
  /** The same quarantine rows already serialized: written instead of serializing `quarantine`, which is still indexed. */
  readonly quarantineLines?: JsonLines
  readonly audit?: ReadonlyArray<Record<string, unknown>> | JsonLines
  readonly replays?: ReadonlyArray<ReplayStamp>
}

const encoder = new TextEncoder()
const jsonl = (rows: ReadonlyArray<unknown> | JsonLines) =>
  rows instanceof JsonLines
    ? rows.bytes
    : encoder.encode(rows.map((row) => JSON.stringify(row)).join("\n") + "\n")

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeGatewayStore = Effect.fn("Gateway.makeStore")(function*(client: StorageClientShape, root: string) {
  const base = root.endsWith("/") ? root : `${root}/`
  const rows = new Map<string, QuarantineRow>()
  const stamps = new Map<string, ReplayStamp>()

  const readAll = (kind: "quarantine" | "replays") =>
    client.list(`${base}${kind}/`).pipe(
      Stream.mapEffect((entry) => client.read(entry.url), { concurrency: 8 }),
      Stream.runForEach((bytes) =>
        Effect.sync(() => {
          for (const line of new TextDecoder().decode(bytes).split("\n")) {
            if (line === "") continue
            const row = JSON.parse(line) as QuarantineRow & ReplayStamp
            if (kind === "quarantine") rows.set(row.id, row)
            else stamps.set(row.quarantine_id, row)
          }
        })
      ),
      Effect.catchTag("StorageError", (error) => error.reason === "NotFound" ? Effect.void : Effect.fail(error))
    )
  yield* readAll("quarantine")
  yield* readAll("replays")

  const write = (kind: string, contractId: string, items: ReadonlyArray<unknown> | JsonLines | undefined) => {
    if (items === undefined || (items instanceof JsonLines ? items.bytes : items).length === 0) return Effect.void
    const now = new Date()
    const url = `${base}${kind}/${contractId}/${now.toISOString().slice(0, 10)}/${now.getTime()}-${randomUUID()}.jsonl`
    return Effect.asVoid(client.write(url, jsonl(items)))
  }

  return {
    /** Writes a decision's rows (all kinds in parallel), then indexes them. */
    persist: (contractId: string, writes: Writes) =>
      Effect.all([
        write("accepted", contractId, writes.accepted),
        write("quarantine", contractId, writes.quarantineLines ?? writes.quarantine),
        write("audit", contractId, writes.audit),
        write("replays", contractId, writes.replays)
      ], { concurrency: "unbounded", discard: true }).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            for (const row of writes.quarantine ?? []) rows.set(row.id, row)
          })
        )
      ),
    /** Source rows (not failed replays), newest first. */
    list: (contractId: string | undefined, limit: number, offset: number) =>
      [...rows.values()]
        .filter((row) => row.replay_of_quarantine_id === null && (contractId === undefined || row.contract_id === contractId))
        .toReversed()
        .slice(offset, offset + limit)
        .map((row) => ({ ...row, replayed: stamps.get(row.id) ?? null })),
    get: (id: string) => rows.get(id),
    stampOf: (id: string) => stamps.get(id),
    /** Stamps a row as replayed unless another replay did first; synchronous, so exactly one caller wins. */
    claim: (stamp: ReplayStamp): boolean => {
      if (stamps.has(stamp.quarantine_id)) return false
      stamps.set(stamp.quarantine_id, stamp)
      return true
    },
    /** Undoes a claim whose write failed, so the row can be replayed again. */
    release: (id: string) => void stamps.delete(id)
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export type GatewayStore = Effect.Success<ReturnType<typeof makeGatewayStore>>
