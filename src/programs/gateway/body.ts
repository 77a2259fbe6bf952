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
 * An NDJSON body and where each event's JSON text lies in it (surrounding
 * whitespace left out): the ingest path copies these bytes into its response
 * and rows when no transform changes the event.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventLines {
  readonly bytes: Buffer
  readonly starts: ReadonlyArray<number>
  readonly ends: ReadonlyArray<number>
}

/**
 * Events, and for NDJSON each event's own JSON text.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedBody {
  readonly events: Array<unknown>
  readonly lines: EventLines | undefined
}

const refuse = (status: number, error: string): Result.Result<never, Refusal> => Result.fail({ status, error })

/**
 * A `JSON.parse` error as a sentence, without the position suffix.
 *
 * @since 0.1.0
 * @category parsing
 */
export const jsonMessage = (error: unknown) => (error as Error).message.replace(/ in JSON at position \d+.*$/s, "")

const NEWLINE = 10
/** JSON's own whitespace besides the newline: space, tab, carriage return. */
const isBlank = (byte: number) => byte === 32 || byte === 9 || byte === 13

/**
 * Events of an NDJSON body, split on its bytes (no copy of the whole body as
 * a string); line numbers in messages are 0-based, as the reference's.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseNdjson = (body: Uint8Array): Result.Result<ParsedBody, Refusal> => {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const events: Array<unknown> = []
  const starts: Array<number> = []
  const ends: Array<number> = []
  let next = 0
  for (let line = 0; next <= bytes.length; line++) {
    let end = bytes.indexOf(NEWLINE, next)
    if (end === -1) end = bytes.length
    let start = next
    next = end + 1
    while (start < end && isBlank(bytes[start]!)) start++
    while (end > start && isBlank(bytes[end - 1]!)) end--
    if (start === end) continue
    if (end - start > EVENT_LIMIT_BYTES) {
      return refuse(413, `NDJSON line ${line} exceeds the 1 MB per-event limit (${end - start} bytes)`)
    }
    // No encoding argument: Buffer#toString's direct UTF-8 path, without the lookup of the encoding's name.
    const text = bytes.toString(undefined, start, end)
    try {
      events.push(JSON.parse(text))
      starts.push(start)
      ends.push(end)
    } catch (error) {
      // A line of other Unicode spaces is blank too, as for the reference's trim().
      if (text.trim() === "") continue
      return refuse(400, `NDJSON parse error at line ${line}: ${jsonMessage(error)}`)
    }
  }
  return Result.succeed({ events, lines: { bytes, starts, ends } })
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
  return Result.succeed({ events: Array.isArray(value) ? value : [value], lines: undefined })
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
