/**
 * The bodies of the two replay routes, checked with sentence-like 400s:
 * `POST /contracts/{id}/quarantine/replay` takes `{ids, target_version?}`,
 * `POST /quarantine/replay` takes `{event_ids, version?, contract_id?}`.
 * Both take 1 to 1000 quarantine ids, each a UUID (the gateway names every
 * quarantine row with one).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { jsonMessage } from "./body.ts"
import type { Refusal } from "./body.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReplayRequest {
  readonly ids: ReadonlyArray<string>
  readonly version: string | undefined
  readonly contractId: string | undefined
}

/**
 * @since 0.1.0
 * @category limits
 */
export const MAX_REPLAY_IDS = 1000

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether `value` is a UUID (any version, either case).
 *
 * @since 0.1.0
 * @category parsing
 */
export const isUuid = (value: string): boolean => UUID.test(value)

const refuse = (error: string): Result.Result<never, Refusal> => Result.fail({ status: 400, error: `Invalid request: ${error}` })

const FIELDS = {
  contract: { ids: "ids", version: "target_version", contractId: undefined },
  events: { ids: "event_ids", version: "version", contractId: "contract_id" }
} as const

const optionalString = (body: Record<string, unknown>, field: string | undefined): Result.Result<string | undefined, Refusal> => {
  const value = field === undefined ? undefined : body[field]
  return value === undefined || value === null || typeof value === "string"
    ? Result.succeed(value ?? undefined)
    : refuse(`'${field}' must be a string, got ${JSON.stringify(value)}`)
}

/**
 * A replay body of either route (`shape`), or the 400 that explains what is wrong.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseReplayRequest = (text: string, shape: keyof typeof FIELDS): Result.Result<ReplayRequest, Refusal> => {
  const fields = FIELDS[shape]
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    return refuse(`body is not JSON: ${jsonMessage(error)}`)
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return refuse(`the body must be a JSON object with '${fields.ids}' (a list of quarantine ids)`)
  }
  const record = body as Record<string, unknown>
  const ids = record[fields.ids]
  if (!Array.isArray(ids)) return refuse(`'${fields.ids}' must be a list of 1 to ${MAX_REPLAY_IDS} quarantine ids`)
  if (ids.length === 0) return refuse(`'${fields.ids}' is empty; give 1 to ${MAX_REPLAY_IDS} quarantine ids`)
  if (ids.length > MAX_REPLAY_IDS) {
    return refuse(`'${fields.ids}' has ${ids.length} ids; at most ${MAX_REPLAY_IDS} can be replayed in one request`)
  }
  const bad = ids.findIndex((id) => typeof id !== "string" || !isUuid(id))
  if (bad !== -1) return refuse(`'${fields.ids}[${bad}]' is not a quarantine id (a UUID): ${JSON.stringify(ids[bad])}`)
  const version = optionalString(record, fields.version)
  if (Result.isFailure(version)) return Result.fail(version.failure)
  const contractId = optionalString(record, fields.contractId)
  if (Result.isFailure(contractId)) return Result.fail(contractId.failure)
  return Result.succeed({ ids: ids as Array<string>, version: version.success, contractId: contractId.success })
}
