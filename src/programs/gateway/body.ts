/**
 * Request bodies to event batches, with the reference's limits and
 * messages: a JSON object (one event) or array (a batch), or NDJSON (one
 * event per line, blank lines skipped) on v1; at most 1 MB per event.
 *
 * @since 0.1.0
 */
import { Result } from "effect"

/**
 * A request the gateway refuses before validation: status and message.
 *
 * @since 0.1.0
 * @category models
 */
export interface Refusal {
  readonly status: number
  readonly error: string
}

/**
 * @since 0.1.0
 * @category limits
 */
export const EVENT_LIMIT_BYTES = 1024 * 1024

/**
 * Events, and for NDJSON each event's own JSON text.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedBody {
  readonly events: Array<unknown>
  readonly texts: Array<string> | undefined
}

const refuse = (status: number, error: string): Result.Result<never, Refusal> => Result.fail({ status, error })

/**
 * A `JSON.parse` error as a sentence, without the position suffix.
 *
 * @since 0.1.0
 * @category parsing
 */
export const jsonMessage = (error: unknown) => (error as Error).message.replace(/ in JSON at position \d+.*$/s, "")

/**
 * Events of an NDJSON body; line numbers in messages are 0-based, as the reference's.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseNdjson = (text: string): Result.Result<ParsedBody, Refusal> => {
  const events: Array<unknown> = []
  const texts: Array<string> = []
  let start = 0
  for (let line = 0; start <= text.length; line++) {
    let end = text.indexOf("\n", start)
    if (end === -1) end = text.length
    const raw = text.slice(start, end)
    start = end + 1
    if (raw.trim() === "") continue
    // Length in UTF-16 units bounds the UTF-8 size from below (x1) and above (x3): count bytes only when in doubt.
    if (raw.length > EVENT_LIMIT_BYTES / 3 && Buffer.byteLength(raw) > EVENT_LIMIT_BYTES) {
      return refuse(413, `NDJSON line ${line} exceeds the 1 MB per-event limit (${Buffer.byteLength(raw)} bytes)`)
    }
    try {
      events.push(JSON.parse(raw))
      texts.push(raw.trim())
    } catch (error) {
      return refuse(400, `NDJSON parse error at line ${line}: ${jsonMessage(error)}`)
    }
  }
  return Result.succeed({ events, texts })
}

/**
 * Events of a JSON body: an array is a batch, anything else a batch of one.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseJsonBody = (text: string): Result.Result<ParsedBody, Refusal> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return refuse(400, `Invalid request: body is not JSON: ${jsonMessage(error)}`)
  }
  return Result.succeed({ events: Array.isArray(value) ? value : [value], texts: undefined })
}

/**
 * The first event above 1 MB once serialized; only looked for when the body
 * itself is larger than that (no event can be larger than its body).
 *
 * @since 0.1.0
 * @category limits
 */
export const oversizedEvent = (events: ReadonlyArray<unknown>, bodyBytes: number): Refusal | undefined => {
  if (bodyBytes <= EVENT_LIMIT_BYTES) return undefined
  for (const [index, event] of events.entries()) {
    const size = Buffer.byteLength(JSON.stringify(event))
    if (size > EVENT_LIMIT_BYTES) return { status: 413, error: `Event at index ${index} exceeds the 1 MB per-event limit (${size} bytes)` }
  }
  return undefined
}
