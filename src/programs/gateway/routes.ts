/**
 * The gateway's HTTP routes (effect/http): ingest v0 and v1 (envelope
 * contracts too), egress, quarantine listing, replay (per contract and by event id) and replay history,
 * health. Every route but `/health` needs an API key (`x-api-key`) allowed
 * for the contract; every authenticated response carries the rate-limit
 * headers. Errors are `{"error": sentence, "status"}`.
 *
 * @since 0.1.0
 */
import { ByteSize, Effect, Redacted, Result } from "effect"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import { HttpIncomingMessage, HttpRouter, HttpServerResponse } from "effect/http"
import type { HttpServerRequest } from "effect/http"
import type { Readable } from "node:stream"
import { makeAuthenticator, mayUse } from "./auth.ts"
import type { ApiKey } from "./auth.ts"
import { oversizedEvent, parseJsonBody, parseNdjson } from "./body.ts"
import type { Refusal } from "./body.ts"
import { bodyTooLarge, bodyUnreadable, readPooledBody } from "./bodyReader.ts"
import type { PooledBody } from "./bodyReader.ts"
import { BufferPool } from "./byteWriter.ts"
import type { GatewayConfig } from "./config.ts"
import { deprecatedBatch } from "./deprecated.ts"
import { egress, parseDisposition } from "./egress.ts"
import { ingestEnvelope, NOT_ONE_ENVELOPE } from "./envelope.ts"
import { ingest } from "./ingest.ts"
import { makeIdempotencyStore, makeRateLimiter } from "./limits.ts"
import type { RateDecision } from "./limits.ts"
import { resolveVersion } from "./registry.ts"
import type { PinSource, ServedContract } from "./registry.ts"
import { replayAttempts, replayHistory, withReplaySummary } from "./history.ts"
import { contractReplayBody, persistReplay, replay, replayTarget } from "./replay.ts"
import { replayEvents } from "./replayEvents.ts"
import { isUuid, parseReplayRequest } from "./replayRequest.ts"
import type { GatewayStore } from "./store.ts"

const V0_BODY_LIMIT = 1024 * 1024
const V1_BODY_LIMIT = 10 * 1024 * 1024
const V0_MAX_EVENTS = 1000

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  HttpServerResponse.text(JSON.stringify(body), { status, contentType: "application/json", headers })
const fail = (refusal: Refusal, headers?: Record<string, string>) =>
  json(refusal.status, { error: refusal.error, status: refusal.status }, headers)

const UNAUTHORIZED = { error: "Unauthorized: missing or invalid API key", status: 401 }

const rateHeaders = (rate: RateDecision): Record<string, string> => ({
  "x-ratelimit-limit": String(rate.limit),
  "x-ratelimit-remaining": String(rate.remaining),
  "x-ratelimit-reset": String(rate.reset)
})

const tooLarge = (error: unknown): boolean => {
  for (let e: unknown = error; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { _tag?: unknown })._tag === "MaxBytesError") return true
  }
  return false
}

const KEEP = () => {}

/**
 * The body, refused with 413 when it is larger than `limit` bytes; read into
 * a buffer from `pool` when one is given (ingest batches), whose `release`
 * gives it back.
 */
const readBody = (request: HttpServerRequest.HttpServerRequest, limit: number, pool?: BufferPool): Effect.Effect<Result.Result<PooledBody, Refusal>> => {
  const header = request.headers["content-length"]
  const declared = header === undefined ? undefined : Number(header)
  if (declared !== undefined && declared > limit) {
    return Effect.succeed(Result.fail<Refusal>({ status: 413, error: `Request body of ${declared} bytes exceeds the ${limit / 1024 / 1024} MB limit` }))
  }
  if (pool !== undefined) return readPooledBody(NodeHttpServerRequest.toIncomingMessage(request) as Readable, declared, limit, pool)
  return request.arrayBuffer.pipe(
    Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(limit)),
    Effect.map((buffer): Result.Result<PooledBody, Refusal> => Result.succeed({ bytes: new Uint8Array(buffer), release: KEEP })),
    Effect.catch((error) =>
      Effect.succeed(Result.fail<Refusal>(
        tooLarge(error) ? bodyTooLarge(limit) : bodyUnreadable
      ))
    )
  )
}

const flag = (url: URL, name: string) => url.searchParams.get(name) === "true"

/** `?limit=`, 100 by default, clamped to 1..500 (as ContractGate's list routes). */
const pageSize = (url: URL) => {
  const limit = Number(url.searchParams.get("limit") ?? "100")
  return Math.min(500, Math.max(1, Number.isFinite(limit) ? Math.floor(limit) : 100))
}

/** The version a request pins, first found of: `X-Contract-Version`, the path's `@version`, `?version=` (v1). */
const pinOf = (
  request: HttpServerRequest.HttpServerRequest,
  pathPin: string,
  queryPin: string
): { version: string; source: PinSource } | undefined => {
  const header = request.headers["x-contract-version"]?.trim() ?? ""
  return header !== ""
    ? { version: header, source: "header" }
    : pathPin !== ""
    ? { version: pathPin, source: "path" }
    : queryPin !== ""
    ? { version: queryPin, source: "query_param" }
    : undefined
}

/** The caller's address as proxies report it (first `X-Forwarded-For` entry, else `X-Real-IP`). */
const sourceIpOf = (request: HttpServerRequest.HttpServerRequest) =>
  (request.headers["x-forwarded-for"]?.split(",")[0] ?? request.headers["x-real-ip"])?.trim() ?? null

/**
 * The router layer of a gateway.
 *
 * @since 0.1.0
 * @category routes
 */
export const gatewayRoutes = (options: {
  readonly config: GatewayConfig
  readonly contracts: ReadonlyMap<string, ServedContract>
  readonly store: GatewayStore
}) => {
  const { contracts, store } = options
  const authenticate = makeAuthenticator(options.config.content.api_keys)
  const limit = options.config.content.rate_limit ?? { requests_per_second: 100, burst: 1000 }
  const rateLimit = makeRateLimiter()
  const idempotency = makeIdempotencyStore(Date.now, store.idempotencyRecords)
  const decoder = new TextDecoder()
  // A few batches' rows in flight at once; more concurrent batches allocate their own.
  const pool = new BufferPool(12)

  /** Authentication, rate limit and contract lookup shared by every contract route. */
  const guard = (request: HttpServerRequest.HttpServerRequest, contractId: string | undefined) => {
    const presented = request.headers["x-api-key"]
    const key = presented === undefined ? undefined : authenticate(Redacted.make(presented))
    if (key === undefined || (contractId !== undefined && !mayUse(key, contractId))) {
      return Result.fail(json(401, UNAUTHORIZED))
    }
    const own = key.rateLimit ?? limit
    const rate = rateLimit(key.name, own.requests_per_second, own.burst)
    const headers = rateHeaders(rate)
    if (!rate.allowed) {
      return Result.fail(json(429, {
        error: "rate_limit_exceeded",
        detail: `API key '${key.name}' may send ${own.requests_per_second} requests per second (burst ${own.burst}).`,
        retry_after_ms: rate.retryAfterMs
      }, { ...headers, "retry-after": String(Math.ceil(rate.retryAfterMs / 1000)) }))
    }
    const contract = contractId === undefined ? undefined : contracts.get(contractId)
    if (contractId !== undefined && contract === undefined) {
      return Result.fail(fail({ status: 404, error: `Contract ${contractId} not found` }, headers))
    }
    return Result.succeed({ key, headers, contract })
  }

  const ingestRoute = (v1: boolean) => (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const url = new URL(request.url, "http://gateway")
      const target = decodeURIComponent((yield* HttpRouter.params)["target"] ?? "")
      const at = target.indexOf("@")
      const contractId = !v1 && at !== -1 ? target.slice(0, at) : target
      const guarded = guard(request, contractId)
      if (Result.isFailure(guarded)) return guarded.failure
      const { contract, headers } = guarded.success as { contract: ServedContract; headers: Record<string, string>; key: ApiKey }
      const pin = pinOf(request, !v1 && at !== -1 ? target.slice(at + 1) : "", v1 ? url.searchParams.get("version") ?? "" : "")
      const idempotencyKey = v1 ? request.headers["idempotency-key"] : undefined
      if (idempotencyKey !== undefined && idempotencyKey.length > 255) {
        return fail({ status: 400, error: "Invalid request: Idempotency-Key is longer than 255 characters" }, headers)
      }
      const read = yield* readBody(request, v1 ? V1_BODY_LIMIT : V0_BODY_LIMIT, pool)
      if (Result.isFailure(read)) return fail(read.failure, headers)
      // A refused body's buffer is left to the GC; a decided one goes back to the pool below.
      const { bytes: body, release: releaseRequest } = read.success
      const dryRun = flag(url, "dry_run")
      const scopedKey = idempotencyKey === undefined ? undefined : `${guarded.success.key.name}\u0000${contractId}\u0000${idempotencyKey}`
      if (scopedKey !== undefined && !dryRun) {
        const seen = idempotency.lookup(scopedKey, body)
        if (seen === "conflict") {
          return json(422, { error: "idempotency_conflict", detail: "A different request body was already submitted with this Idempotency-Key." }, headers)
        }
        if (seen !== undefined) {
          return HttpServerResponse.uint8Array(seen.body, { status: seen.status, contentType: "application/json", headers: { ...headers, "x-idempotency-replay": "true" } })
        }
      }
      const ndjson = v1 && (request.headers["content-type"] ?? "").startsWith("application/x-ndjson")
      const parsed = ndjson ? parseNdjson(body) : parseJsonBody(decoder.decode(body))
      if (Result.isFailure(parsed)) return fail(parsed.failure, headers)
      const events = parsed.success.events
      if (events.length === 0) return fail({ status: 400, error: "Invalid request: Empty event batch" }, headers)
      if (!v1 && events.length > V0_MAX_EVENTS) {
        return fail({ status: 400, error: `Invalid request: Batch too large: ${events.length} events submitted, maximum is ${V0_MAX_EVENTS}` }, headers)
      }
      const oversized = oversizedEvent(events, body.length)
      if (oversized !== undefined) return fail(oversized, headers)
      const resolution = resolveVersion(contract, pin)
      if (resolution._tag === "VersionNotFound") return fail({ status: 404, error: resolution.message }, headers)
      if (resolution._tag === "NoStable") return fail({ status: 409, error: resolution.message }, headers)
      const sourceIp = sourceIpOf(request)
      const envelope = resolution._tag === "Resolved" && resolution.version.compiled.validateEnvelope !== undefined
      if (envelope && events.length !== 1) return fail({ status: 400, error: NOT_ONE_ENVELOPE }, headers)
      const decision = resolution._tag === "Deprecated"
        ? deprecatedBatch(contract, resolution, events, { dryRun, sourceIp, v1 })
        : envelope
        ? ingestEnvelope({ contract, version: resolution.version, payload: events[0], dryRun, atomic: flag(url, "atomic"), sourceIp })
        : ingest({ contract, resolution, events, lines: parsed.success.lines, dryRun, atomic: flag(url, "atomic"), sourceIp, v1, pool })
      // The first answer to an Idempotency-Key is written with the batch, so a retry after a restart still finds it.
      const remembered = scopedKey === undefined || dryRun ? undefined : idempotency.record(scopedKey, body, { status: decision.status, body: decision.body })
      // Decided (and hashed): nothing reads the request's bytes any more.
      releaseRequest()
      yield* store.persist(contract.id, remembered === undefined ? decision.writes : { ...decision.writes, idempotency: [remembered] })
      decision.release?.()
      if (remembered !== undefined) idempotency.remember(remembered)
      // "finish": Node has handed the last byte to the OS; an aborted response never reuses its buffer.
      if (decision.releaseBody !== undefined) NodeHttpServerRequest.toServerResponse(request).once("finish", decision.releaseBody)
      return HttpServerResponse.uint8Array(decision.body, { status: decision.status, contentType: "application/json", headers })
    })

  const egressRoute = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const url = new URL(request.url, "http://gateway")
      const target = decodeURIComponent((yield* HttpRouter.params)["target"] ?? "")
      const at = target.indexOf("@")
      const guarded = guard(request, at === -1 ? target : target.slice(0, at))
      if (Result.isFailure(guarded)) return guarded.failure
      const { contract, headers } = guarded.success as { contract: ServedContract; headers: Record<string, string> }
      const disposition = parseDisposition(url.searchParams.get("disposition"))
      if (typeof disposition !== "string") return fail(disposition, headers)
      const body = yield* readBody(request, V1_BODY_LIMIT)
      if (Result.isFailure(body)) return fail(body.failure, headers)
      const parsed = parseJsonBody(decoder.decode(body.success.bytes))
      if (Result.isFailure(parsed)) return fail(parsed.failure, headers)
      const records = parsed.success.events
      if (records.length === 0) return fail({ status: 400, error: "Invalid request: Empty event batch" }, headers)
      if (records.length > V0_MAX_EVENTS) {
        return fail({ status: 400, error: `Invalid request: Batch too large: ${records.length} events, maximum is ${V0_MAX_EVENTS}` }, headers)
      }
      const resolution = resolveVersion(contract, pinOf(request, at === -1 ? "" : target.slice(at + 1), ""))
      if (resolution._tag === "VersionNotFound") return fail({ status: 404, error: resolution.message }, headers)
      if (resolution._tag === "NoStable") return fail({ status: 409, error: resolution.message }, headers)
      if (resolution._tag === "Deprecated") {
        return fail({ status: 400, error: `Invalid request: Version ${resolution.version.version} on contract ${contract.id} is deprecated; pin a stable version for egress` }, headers)
      }
      const dryRun = flag(url, "dry_run")
      const decision = egress({ contract, version: resolution.version, records, disposition, dryRun, sourceIp: sourceIpOf(request) })
      yield* store.persist(contract.id, decision.writes)
      return HttpServerResponse.uint8Array(decision.body, { status: decision.status, contentType: "application/json", headers })
    })

  const listQuarantine = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.sync(() => {
      const url = new URL(request.url, "http://gateway")
      const contractId = url.searchParams.get("contract_id") ?? undefined
      const guarded = guard(request, contractId)
      if (Result.isFailure(guarded)) return guarded.failure
      const { key, headers } = guarded.success
      const offset = Math.max(0, Math.floor(Number(url.searchParams.get("offset") ?? "0")) || 0)
      const rows = store.list((id) => (contractId === undefined || id === contractId) && mayUse(key, id), pageSize(url), offset)
      return json(200, rows.map((row) => withReplaySummary(store, row)), headers)
    })

  const replayRoute = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const contractId = decodeURIComponent((yield* HttpRouter.params)["contract"] ?? "")
      const guarded = guard(request, contractId)
      if (Result.isFailure(guarded)) return guarded.failure
      const { contract, headers } = guarded.success as { contract: ServedContract; headers: Record<string, string> }
      const body = yield* readBody(request, V0_BODY_LIMIT)
      if (Result.isFailure(body)) return fail(body.failure, headers)
      const parsed = parseReplayRequest(decoder.decode(body.success.bytes), "contract")
      if (Result.isFailure(parsed)) return fail(parsed.failure, headers)
      const plan = replayTarget(contract, parsed.success.version)
      if ("error" in plan) return fail(plan, headers)
      const outcome = replay(contract, plan, parsed.success.ids, store)
      yield* persistReplay(store, outcome)
      return json(200, contractReplayBody(outcome), headers)
    })

  const replayEventsRoute = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const guarded = guard(request, undefined)
      if (Result.isFailure(guarded)) return guarded.failure
      const { key, headers } = guarded.success
      const body = yield* readBody(request, V0_BODY_LIMIT)
      if (Result.isFailure(body)) return fail(body.failure, headers)
      const parsed = parseReplayRequest(decoder.decode(body.success.bytes), "events")
      if (Result.isFailure(parsed)) return fail(parsed.failure, headers)
      // A `contract_id` the key may not use is refused like a contract path would be.
      const contractId = parsed.success.contractId
      if (contractId !== undefined && !mayUse(key, contractId)) return json(401, UNAUTHORIZED, headers)
      if (contractId !== undefined && !contracts.has(contractId)) return fail({ status: 404, error: `Contract ${contractId} not found` }, headers)
      const answer = yield* replayEvents(parsed.success, key, contracts, store)
      return Result.isFailure(answer) ? fail(answer.failure, headers) : json(200, answer.success, headers)
    })

  const contractHistoryRoute = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function*() {
      const params = yield* HttpRouter.params
      const contractId = decodeURIComponent(params["contract"] ?? "")
      const id = decodeURIComponent(params["quarantine"] ?? "")
      const guarded = guard(request, contractId)
      if (Result.isFailure(guarded)) return guarded.failure
      const { headers } = guarded.success
      if (!isUuid(id)) return fail({ status: 400, error: `Invalid request: quarantine id '${id}' is not a UUID` }, headers)
      const row = store.get(id)
      if (row === undefined || row.contract_id !== contractId) {
        return fail({ status: 404, error: `Quarantine row ${id} not found on contract ${contractId}` }, headers)
      }
      return json(200, replayHistory(store, row), headers)
    })

  const eventHistoryRoute = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.sync(() => {
      const url = new URL(request.url, "http://gateway")
      const guarded = guard(request, undefined)
      if (Result.isFailure(guarded)) return guarded.failure
      const { key, headers } = guarded.success
      const id = url.searchParams.get("event_id")
      if (id === null || id === "") return fail({ status: 400, error: "Invalid request: 'event_id' (a quarantine id) is required" }, headers)
      if (!isUuid(id)) return fail({ status: 400, error: `Invalid request: 'event_id' is not a quarantine id (a UUID): ${JSON.stringify(id)}` }, headers)
      const row = store.get(id)
      // Unknown and out-of-scope ids look the same: no history.
      if (row === undefined || !mayUse(key, row.contract_id)) return json(200, [], headers)
      return json(200, replayAttempts(store, row, pageSize(url)), headers)
    })

  return HttpRouter.use(Effect.fn("Gateway.routes")(function*(router) {
    yield* router.add("GET", "/health", json(200, { status: "ok", service: "strata-gateway" }))
    yield* router.add("POST", "/ingest/:target", ingestRoute(false))
    yield* router.add("POST", "/v1/ingest/:target", ingestRoute(true))
    yield* router.add("POST", "/egress/:target", egressRoute)
    yield* router.add("GET", "/quarantine", listQuarantine)
    yield* router.add("POST", "/contracts/:contract/quarantine/replay", replayRoute)
    yield* router.add("GET", "/contracts/:contract/quarantine/:quarantine/replay-history", contractHistoryRoute)
    yield* router.add("POST", "/quarantine/replay", replayEventsRoute)
    yield* router.add("GET", "/quarantine/replay-history", eventHistoryRoute)
  }))
}
