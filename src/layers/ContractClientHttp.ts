/**
 * `ContractClient` over effect/http's `HttpClient`: NDJSON ingest with the
 * API key in `x-api-key`, gateway errors mapped to `ContractClientError`
 * reasons, responses decoded with Schema. No retry policy is applied (see
 * `ContractClient`).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Redacted, Schema } from "effect"
import { HttpBody, HttpClient, HttpClientRequest } from "effect/http"
import type { HttpClientResponse } from "effect/http"
import {
  ContractClient,
  ContractClientError,
  EgressResponse,
  IngestResponse,
  ReplayEventsResponse,
  ReplayHistoryEntry,
  ReplayResponse
} from "../services/ContractClient.ts"
import type { ContractClientErrorReason, EgressOptions, IngestOptions } from "../services/ContractClient.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ContractClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
}

const reasonOf = (status: number, error: string): ContractClientErrorReason => {
  switch (status) {
    case 401:
      return "Unauthorized"
    case 404:
      return "NotFound"
    case 409:
      return "NoStableVersion"
    case 413:
      return "TooLarge"
    case 429:
      return "RateLimited"
    case 400:
      return "InvalidRequest"
    case 422:
      return error === "idempotency_conflict" ? "IdempotencyConflict" : "DeprecatedVersion"
    default:
      return "Unavailable"
  }
}

/** A response: decoded when it is an answer (`answers` statuses, no `error`), else a typed error. */
const answer = <A>(decode: (body: unknown) => Effect.Effect<A, Schema.SchemaError>, answers: ReadonlyArray<number>) =>
(response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, ContractClientError> =>
  Effect.gen(function*() {
    const body = (yield* response.json.pipe(
      Effect.mapError((cause) => new ContractClientError({ reason: "InvalidResponse", message: "The gateway's answer was not JSON", status: response.status, cause }))
    )) as Record<string, unknown> | null
    const error = typeof body?.["error"] === "string" ? body["error"] : undefined
    if (answers.includes(response.status) && error === undefined) {
      return yield* decode(body).pipe(
        Effect.mapError((cause) =>
          new ContractClientError({ reason: "InvalidResponse", message: `The gateway answered an unexpected shape: ${cause.message}`, status: response.status })
        )
      )
    }
    const detail = typeof body?.["detail"] === "string" ? `: ${body["detail"]}` : ""
    return yield* new ContractClientError({
      reason: reasonOf(response.status, error ?? ""),
      message: `The gateway refused the request (HTTP ${response.status}): ${error ?? "no reason given"}${detail}`,
      status: response.status,
      ...(typeof body?.["retry_after_ms"] === "number" ? { retryAfterMs: body["retry_after_ms"] } : {})
    })
  })

const decodeIngest = Schema.decodeUnknownEffect(IngestResponse)
const decodeReplay = Schema.decodeUnknownEffect(ReplayResponse)
const decodeEgress = Schema.decodeUnknownEffect(EgressResponse)
const decodeReplayEvents = Schema.decodeUnknownEffect(ReplayEventsResponse)
const decodeHistory = Schema.decodeUnknownEffect(Schema.Array(ReplayHistoryEntry))

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(options: ContractClientOptions) {
  const http = yield* HttpClient.HttpClient
  const base = options.baseUrl.replace(/\/+$/, "")
  const send = (request: HttpClientRequest.HttpClientRequest) =>
    http.execute(request.pipe(HttpClientRequest.setHeader("x-api-key", Redacted.value(options.apiKey)))).pipe(
      Effect.mapError((cause) => new ContractClientError({ reason: "Unavailable", message: `The gateway at ${base} could not be reached`, cause }))
    )

  const ingest = Effect.fn("ContractClient.ingest")(function*(contractId: string, events: ReadonlyArray<unknown>, ingestOptions: IngestOptions = {}) {
    const params: Record<string, string> = {}
    if (ingestOptions.version !== undefined) params["version"] = ingestOptions.version
    if (ingestOptions.dryRun === true) params["dry_run"] = "true"
    if (ingestOptions.atomic === true) params["atomic"] = "true"
    const request = HttpClientRequest.post(`${base}/v1/ingest/${encodeURIComponent(contractId)}`, {
      urlParams: params,
      headers: ingestOptions.idempotencyKey === undefined ? {} : { "idempotency-key": ingestOptions.idempotencyKey },
      body: HttpBody.text(events.map((event) => JSON.stringify(event)).join("\n") + "\n", "application/x-ndjson")
    })
    const response = yield* send(request)
    return yield* answer(decodeIngest, [200, 207, 422])(response)
  })

  const replay = Effect.fn("ContractClient.replay")(function*(contractId: string, ids: ReadonlyArray<string>, replayOptions: { readonly targetVersion?: string | undefined } = {}) {
    const request = HttpClientRequest.post(`${base}/contracts/${encodeURIComponent(contractId)}/quarantine/replay`, {
      body: HttpBody.text(JSON.stringify({ ids, ...(replayOptions.targetVersion === undefined ? {} : { target_version: replayOptions.targetVersion }) }), "application/json")
    })
    const response = yield* send(request)
    return yield* answer(decodeReplay, [200])(response)
  })

  const replayEvents = Effect.fn("ContractClient.replayEvents")(function*(
    eventIds: ReadonlyArray<string>,
    replayOptions: { readonly version?: string | undefined; readonly contractId?: string | undefined } = {}
  ) {
    const body = {
      event_ids: eventIds,
      ...(replayOptions.version === undefined ? {} : { version: replayOptions.version }),
      ...(replayOptions.contractId === undefined ? {} : { contract_id: replayOptions.contractId })
    }
    const response = yield* send(HttpClientRequest.post(`${base}/quarantine/replay`, { body: HttpBody.text(JSON.stringify(body), "application/json") }))
    return yield* answer(decodeReplayEvents, [200])(response)
  })

  const replayHistory = Effect.fn("ContractClient.replayHistory")(function*(contractId: string, quarantineId: string) {
    const path = `${base}/contracts/${encodeURIComponent(contractId)}/quarantine/${encodeURIComponent(quarantineId)}/replay-history`
    const response = yield* send(HttpClientRequest.get(path))
    return yield* answer(decodeHistory, [200])(response)
  })

  const egress = Effect.fn("ContractClient.egress")(function*(contractId: string, records: ReadonlyArray<unknown>, egressOptions: EgressOptions = {}) {
    const params: Record<string, string> = {}
    if (egressOptions.disposition !== undefined) params["disposition"] = egressOptions.disposition
    if (egressOptions.dryRun === true) params["dry_run"] = "true"
    const target = encodeURIComponent(contractId) + (egressOptions.version === undefined ? "" : `@${encodeURIComponent(egressOptions.version)}`)
    const request = HttpClientRequest.post(`${base}/egress/${target}`, {
      urlParams: params,
      body: HttpBody.text(JSON.stringify(records), "application/json")
    })
    const response = yield* send(request)
    return yield* answer(decodeEgress, [200, 207, 422])(response)
  })

  return ContractClient.of({ ingest, replay, replayEvents, replayHistory, egress })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: ContractClientOptions) => Layer.effect(ContractClient, make(options))
