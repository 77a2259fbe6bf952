/**
 * A client of the contract gateway: ingest a batch and get typed per-event
 * results, replay quarantined events.
 *
 * Ingest is never retried automatically: a request that timed out may have
 * been ingested, and sending it again would store its events twice. Pass an
 * `idempotencyKey` and retrying yourself is safe (the gateway answers a
 * repeat with the first response); a 429 says how long to wait
 * (`retryAfterMs`).
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect } from "effect"
import { Violation } from "./Contracts.ts"

/**
 * Why a gateway call failed.
 *
 * @since 0.1.0
 * @category errors
 */
export const ContractClientErrorReason = Schema.Literals([
  "Unauthorized",
  "NotFound",
  "NoStableVersion",
  "DeprecatedVersion",
  "InvalidRequest",
  "TooLarge",
  "IdempotencyConflict",
  "RateLimited",
  "Unavailable",
  "InvalidResponse"
])
export type ContractClientErrorReason = typeof ContractClientErrorReason.Type

/**
 * @since 0.1.0
 * @category errors
 */
export class ContractClientError extends Schema.TaggedError<ContractClientError>()("ContractClientError", {
  reason: ContractClientErrorReason,
  message: Schema.String,
  status: Schema.optional(Schema.Number),
  retryAfterMs: Schema.optional(Schema.Number),
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export const EventResult = Schema.Struct({
  index: Schema.Number,
  passed: Schema.Boolean,
  violations: Schema.Array(Violation),
  validation_us: Schema.Number,
  forwarded: Schema.Boolean,
  contract_version: Schema.String,
  transformed_event: Schema.Unknown,
  quarantine_id: Schema.NullOr(Schema.String)
})
export type EventResult = typeof EventResult.Type

/**
 * A batch's outcome (HTTP 200, 207 or 422: all three are answers, not errors).
 *
 * @since 0.1.0
 * @category models
 */
export const IngestResponse = Schema.Struct({
  total: Schema.Number,
  passed: Schema.Number,
  failed: Schema.Number,
  dry_run: Schema.Boolean,
  atomic: Schema.Boolean,
  resolved_version: Schema.String,
  version_pin_source: Schema.String,
  results: Schema.Array(EventResult)
})
export type IngestResponse = typeof IngestResponse.Type

/**
 * @since 0.1.0
 * @category models
 */
export const ReplayResult = Schema.Struct({
  quarantine_id: Schema.String,
  outcome: Schema.Literals(["replayed", "still_quarantined", "already_replayed", "not_found", "wrong_contract"]),
  replayed_into_audit_id: Schema.optional(Schema.String),
  contract_version_matched: Schema.optional(Schema.String),
  new_quarantine_id: Schema.optional(Schema.String),
  contract_version_attempted: Schema.optional(Schema.String),
  violations: Schema.optional(Schema.Array(Violation))
})

/**
 * @since 0.1.0
 * @category models
 */
export const ReplayResponse = Schema.Struct({
  total: Schema.Number,
  replayed: Schema.Number,
  still_quarantined: Schema.Number,
  already_replayed: Schema.Number,
  not_found: Schema.Number,
  wrong_contract: Schema.Number,
  target_version: Schema.String,
  target_version_source: Schema.Literals(["explicit", "default_stable"]),
  target_is_draft: Schema.Boolean,
  results: Schema.Array(ReplayResult)
})
export type ReplayResponse = typeof ReplayResponse.Type

/**
 * The answer of `POST /quarantine/replay`: one outcome per id, in the order
 * given (unknown, already replayed and out-of-scope ids: `passed: false`,
 * no violations).
 *
 * @since 0.1.0
 * @category models
 */
export const ReplayEventsResponse = Schema.Struct({
  replayed: Schema.Number,
  outcomes: Schema.Array(Schema.Struct({
    event_id: Schema.String,
    version: Schema.String,
    passed: Schema.Boolean,
    violations: Schema.Array(Violation),
    replayed_at: Schema.String
  }))
})
export type ReplayEventsResponse = typeof ReplayEventsResponse.Type

/**
 * One entry of a quarantined event's replay history (`kind`: the source row,
 * a failed replay, the passing replay).
 *
 * @since 0.1.0
 * @category models
 */
export const ReplayHistoryEntry = Schema.Union([
  Schema.Struct({
    kind: Schema.Literal("source"),
    id: Schema.String,
    contract_version: Schema.String,
    status: Schema.Literals(["pending", "replayed"]),
    violation_count: Schema.Number,
    replayed_at: Schema.NullOr(Schema.String),
    replayed_into_audit_id: Schema.NullOr(Schema.String),
    created_at: Schema.String
  }),
  Schema.Struct({
    kind: Schema.Literal("failed_replay"),
    id: Schema.String,
    contract_version: Schema.String,
    violation_count: Schema.Number,
    created_at: Schema.String
  }),
  Schema.Struct({ kind: Schema.Literal("passed_replay"), id: Schema.String, contract_version: Schema.String, created_at: Schema.String })
])
export type ReplayHistoryEntry = typeof ReplayHistoryEntry.Type

/**
 * The answer of `POST /egress/{id}`: the records that may leave
 * (`payload`, transformed and guarded) and one outcome per record.
 *
 * @since 0.1.0
 * @category models
 */
export const EgressResponse = Schema.Struct({
  total: Schema.Number,
  passed: Schema.Number,
  failed: Schema.Number,
  dry_run: Schema.Boolean,
  disposition: Schema.Literals(["block", "fail", "tag"]),
  egress_leakage_mode: Schema.Literals(["off", "strip", "fail"]),
  resolved_version: Schema.String,
  payload: Schema.Array(Schema.Unknown),
  outcomes: Schema.Array(Schema.Struct({
    index: Schema.Number,
    passed: Schema.Boolean,
    violations: Schema.Array(Violation),
    action: Schema.Literals(["included", "blocked", "rejected", "tagged"]),
    validation_us: Schema.Number,
    stripped_fields: Schema.optional(Schema.Array(Schema.String))
  }))
})
export type EgressResponse = typeof EgressResponse.Type

/**
 * @since 0.1.0
 * @category models
 */
export interface EgressOptions {
  /** Pin a version (`@version` in the path); default: the newest stable. */
  readonly version?: string | undefined
  /** `block` (default): failing records stay; `fail`: none leave if any fails; `tag`: all leave, failures marked. */
  readonly disposition?: "block" | "fail" | "tag" | undefined
  readonly dryRun?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface IngestOptions {
  /** Pin a version (`?version=`); default: the gateway's resolution. */
  readonly version?: string | undefined
  readonly dryRun?: boolean | undefined
  /** All or nothing: one failing event rejects the batch. */
  readonly atomic?: boolean | undefined
  /** Makes a retry of this exact batch safe (see the module docs). */
  readonly idempotencyKey?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ContractClientShape {
  /** Sends events as NDJSON to `POST /v1/ingest/{contractId}`. */
  readonly ingest: (
    contractId: string,
    events: ReadonlyArray<unknown>,
    options?: IngestOptions
  ) => Effect.Effect<IngestResponse, ContractClientError>
  /** Replays quarantined events (`POST /contracts/{id}/quarantine/replay`). */
  readonly replay: (
    contractId: string,
    ids: ReadonlyArray<string>,
    options?: { readonly targetVersion?: string | undefined }
  ) => Effect.Effect<ReplayResponse, ContractClientError>
  /** Replays quarantined events by id across contracts (`POST /quarantine/replay`). */
  readonly replayEvents: (
    eventIds: ReadonlyArray<string>,
    options?: { readonly version?: string | undefined; readonly contractId?: string | undefined }
  ) => Effect.Effect<ReplayEventsResponse, ContractClientError>
  /** A quarantined event's replay history (`GET /contracts/{id}/quarantine/{quarantineId}/replay-history`). */
  readonly replayHistory: (
    contractId: string,
    quarantineId: string
  ) => Effect.Effect<ReadonlyArray<ReplayHistoryEntry>, ContractClientError>
  /** Checks outbound records (`POST /egress/{contractId}`); a `fail` disposition with a failure answers too (status 422), not an error. */
  readonly egress: (
    contractId: string,
    records: ReadonlyArray<unknown>,
    options?: EgressOptions
  ) => Effect.Effect<EgressResponse, ContractClientError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class ContractClient extends Context.Service<ContractClient, ContractClientShape>()("strata/ContractClient") {}
