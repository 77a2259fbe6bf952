/**
 * Where the gateway keeps what it decided, through `StorageClient` so any
 * storage profile works: one JSON Lines object per batch under
 * `<root>/<kind>/<contract>/<YYYY-MM-DD>/<time>-<uuid>.jsonl`, kind one of
 * `accepted`, `quarantine`, `audit`, `replays`, `idempotency` (the answers
 * Idempotency-Key retries get for 24 h; only the last two days are read
 * back). Every object is written whole (atomic on every provider); nothing is appended in place, so
 * concurrent batches never race on a file.
 *
 * Quarantine rows and replay stamps are also indexed in memory (rebuilt from
 * storage at start, every line decoded: a damaged one stops the start with
 * `GatewayStoreError` naming the object and line) so that replay can find a row and stamp it with exactly
 * one winner, and so that a row's replay history (its failed-replay rows and
 * its stamp) is known after a restart.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { issueText } from "../../layers/config/issues.ts"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import type { Violation } from "../../services/Contracts.ts"
import { jsonMessage } from "./body.ts"
import type { IdempotencyRecord } from "./limits.ts"

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
 * Quarantine rows already serialized (the ingest path's): source rows of the
 * contract they are persisted for, one line each, named by `ids` in order,
 * so that the index needs neither the row objects nor a parse of the lines.
 *
 * @since 0.1.0
 * @category models
 */
export class QuarantineLines extends JsonLines {
  readonly ids: ReadonlyArray<string>
  constructor(bytes: Uint8Array, ids: ReadonlyArray<string>) {
    super(bytes)
    this.ids = ids
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
  readonly quarantine?: ReadonlyArray<QuarantineRow> | QuarantineLines
  readonly audit?: ReadonlyArray<Record<string, unknown>> | JsonLines
  readonly replays?: ReadonlyArray<ReplayStamp>
  readonly idempotency?: ReadonlyArray<IdempotencyRecord>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const jsonl = (rows: ReadonlyArray<unknown> | JsonLines) =>
  rows instanceof JsonLines
    ? rows.bytes
    : encoder.encode(rows.map((row) => JSON.stringify(row)).join("\n") + "\n")

/**
 * A quarantine row as the index keeps it: what lookups filter on, and the
 * row itself or where its JSON text lies in its batch's text, parsed when
 * the row is read. Ingest quarantines rows by the thousand and they stay
 * indexed for the process's life: as text, one string per batch, they are
 * nothing for a garbage collection to walk, where each parsed row was a
 * tree of some 25 objects.
 */
class IndexedRow {
  readonly id: string
  readonly contractId: string
  readonly replayOf: string | null
  private readonly row: QuarantineRow | string
  private readonly start: number
  private readonly end: number
  constructor(id: string, contractId: string, replayOf: string | null, row: QuarantineRow | string, start = 0, end = 0) {
    this.id = id
    this.contractId = contractId
    this.replayOf = replayOf
    this.row = row
    this.start = start
    this.end = end
  }
  read(): QuarantineRow {
    return typeof this.row === "string" ? rowAt(this.row, this.start, this.end) : this.row
  }
}

/** A row's text, checked when it was written or restored. */
const rowAt = (text: string, start: number, end: number) => JSON.parse(text.slice(start, end)) as QuarantineRow

/**
 * A line of the store's own JSON Lines that cannot be read back at start
 * (edited or damaged): the gateway does not start rather than forget it.
 *
 * @since 0.1.0
 * @category errors
 */
export class GatewayStoreError extends Schema.TaggedError<GatewayStoreError>()("GatewayStoreError", {
  url: Schema.String,
  line: Schema.Number,
  message: Schema.String
}) {}

/** What the index needs of a stored quarantine row (the rest is read when the row is). */
const IndexedFields = Schema.Struct({
  id: Schema.String,
  contract_id: Schema.String,
  replay_of_quarantine_id: Schema.NullOr(Schema.String)
})
const StoredStamp = Schema.Struct({
  quarantine_id: Schema.String,
  replayed_at: Schema.String,
  contract_version: Schema.String,
  replayed_into_id: Schema.String
})
const StoredIdempotency = Schema.Struct({
  key: Schema.String,
  body_sha256: Schema.String,
  status: Schema.Number,
  body: Schema.String,
  expires_at: Schema.String
})

/**
 * Calls `visit` with where each non-empty line of `text` lies and its number
 * (0-based, empty lines counted), until it returns something.
 */
const forEachLine = <R>(text: string, visit: (start: number, end: number, line: number) => R | undefined): R | undefined => {
  let start = 0
  for (let line = 0; start < text.length; line++) {
    let end = text.indexOf("\n", start)
    if (end === -1) end = text.length
    const stop = end > start ? visit(start, end, line) : undefined
    if (stop !== undefined) return stop
    start = end + 1
  }
  return undefined
}

/**
 * Each line of a stored JSON Lines object, decoded with `schema`; `onRow`
 * also gets where the line lies in the text. A line that is not JSON or not
 * such a row fails naming the object and the line (1-based).
 */
const restoreLines = <A>(
  schema: Schema.Decoder<A>,
  what: string,
  onRow: (row: A, text: string, start: number, end: number) => void
) =>
(url: string, bytes: Uint8Array): Effect.Effect<void, GatewayStoreError> =>
  Effect.suspend(() => {
    const decode = Schema.decodeUnknownResult(schema)
    const text = decoder.decode(bytes)
    const failure = forEachLine(text, (start, end, index) => {
      const line = index + 1
      let value: unknown
      try {
        value = JSON.parse(text.slice(start, end))
      } catch (error) {
        return new GatewayStoreError({ url, line, message: `${url} line ${line} is not JSON (${jsonMessage(error)}).` })
      }
      const decoded = decode(value)
      if (Result.isFailure(decoded)) {
        return new GatewayStoreError({ url, line, message: `${url} line ${line} is not ${what}: ${issueText(decoded.failure)}.` })
      }
      onRow(decoded.success, text, start, end)
      return undefined
    })
    return failure === undefined ? Effect.void : Effect.fail(failure)
  })

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeGatewayStore = Effect.fn("Gateway.makeStore")(function*(client: StorageClientShape, root: string) {
  const base = root.endsWith("/") ? root : `${root}/`
  const rows = new Map<string, IndexedRow>()
  const stamps = new Map<string, ReplayStamp>()
  /** Failed-replay rows by the id of the row they replayed. */
  const attempts = new Map<string, Array<IndexedRow>>()
  const index = (row: IndexedRow) => {
    rows.set(row.id, row)
    if (row.replayOf === null) return
    const chain = attempts.get(row.replayOf)
    if (chain === undefined) attempts.set(row.replayOf, [row])
    else chain.push(row)
  }
  /** Rows the ingest path wrote as JSON Lines, named by `ids`, kept as one string. */
  const indexLines = (bytes: Uint8Array, contractId: string, ids: ReadonlyArray<string>) => {
    const text = decoder.decode(bytes)
    forEachLine(text, (start, end, line) => {
      const id = ids[line]
      if (id !== undefined) index(new IndexedRow(id, contractId, null, text, start, end))
      return undefined
    })
  }
  const indexWritten = (contractId: string, quarantine: Writes["quarantine"]) => {
    if (quarantine instanceof QuarantineLines) indexLines(quarantine.bytes, contractId, quarantine.ids)
    else for (const row of quarantine ?? []) index(new IndexedRow(row.id, row.contract_id, row.replay_of_quarantine_id, row))
  }

  const idempotency: Array<IdempotencyRecord> = []

  /** Every object of `kind` that `wanted` accepts, in no particular order. */
  const readAll = (
    kind: "quarantine" | "replays" | "idempotency",
    onObject: (url: string, bytes: Uint8Array) => Effect.Effect<void, GatewayStoreError>,
    wanted: (url: string) => boolean = () => true
  ) =>
    client.list(`${base}${kind}/`).pipe(
      Stream.filter((entry) => wanted(entry.url)),
      Stream.mapEffect((entry) => Effect.map(client.read(entry.url), (bytes) => [entry.url, bytes] as const), { concurrency: 8 }),
      Stream.runForEach(([url, bytes]) => onObject(url, bytes)),
      Effect.catchTag("StorageError", (error) => error.reason === "NotFound" ? Effect.void : Effect.fail(error))
    )
  yield* readAll(
    "quarantine",
    restoreLines(IndexedFields, "a quarantine row", (row, text, start, end) =>
      index(new IndexedRow(row.id, row.contract_id, row.replay_of_quarantine_id, text, start, end)))
  )
  yield* readAll("replays", restoreLines(StoredStamp, "a replay stamp", (stamp) => void stamps.set(stamp.quarantine_id, stamp)))
  // Records live 24 h, so none older than yesterday's directory can still be valid.
  const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10)
  yield* readAll("idempotency", restoreLines(StoredIdempotency, "an Idempotency-Key record", (record) => void idempotency.push(record)), (url) => {
    const day = /\/(\d{4}-\d{2}-\d{2})\/[^/]*$/.exec(url)?.[1]
    return day === undefined || day >= yesterday
  })

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
        write("quarantine", contractId, writes.quarantine),
        write("audit", contractId, writes.audit),
        write("replays", contractId, writes.replays),
        write("idempotency", contractId, writes.idempotency)
      ], { concurrency: "unbounded", discard: true }).pipe(
        Effect.tap(() =>
          Effect.sync(() => indexWritten(contractId, writes.quarantine))
        )
      ),
    /** Source rows (not failed replays) of the contracts `shown` accepts, newest first. */
    list: (shown: (contractId: string) => boolean, limit: number, offset: number): Array<QuarantineRow> =>
      [...rows.values()]
        .filter((row) => row.replayOf === null && shown(row.contractId))
        .toReversed()
        .slice(offset, offset + limit)
        .map((row) => row.read()),
    get: (id: string): QuarantineRow | undefined => rows.get(id)?.read(),
    stampOf: (id: string) => stamps.get(id),
    /** Idempotency records read at start (some may have expired since). */
    idempotencyRecords: idempotency as ReadonlyArray<IdempotencyRecord>,
    /** The rows failed replays of `id` wrote, in no particular order. */
    attemptsOf: (id: string): ReadonlyArray<QuarantineRow> => (attempts.get(id) ?? []).map((row) => row.read()),
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
