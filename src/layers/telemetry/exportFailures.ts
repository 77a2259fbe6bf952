/**
 * Failed exports, counted and told once when the telemetry layer closes.
 * An export that fails (collector unreachable, an HTTP error, a time limit)
 * is dropped so the program never waits for it; without a count the user
 * would not know that their traces or metrics went nowhere.
 *
 * @since 0.1.0
 */
import { type ExportResult, ExportResultCode } from "@opentelemetry/core"

/**
 * What one signal's exports lost, told once when the layer closes.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExportFailure {
  readonly signal: "traces" | "metrics"
  /** The OTLP URL without credentials or query, or `console`. */
  readonly destination: string
  /** Spans not delivered (traces), or exports that failed (metrics: each carries every series). */
  readonly count: number
  /** The first failure, as a short sentence (e.g. `connect ECONNREFUSED 127.0.0.1:4318`, `HTTP 500 ...`). */
  readonly reason: string
}

/**
 * The destination as it may be printed: no user name, password or query
 * (some collectors take an API key there), which a warning must not show.
 */
const printable = (destination: string): string => {
  try {
    const url = new URL(destination)
    return `${url.origin}${url.pathname}`
  } catch {
    return destination
  }
}

/** The transport's errors carry the HTTP status and the response body (`OTLPExporterError`). */
const reasonOf = (error: unknown): string => {
  if (!(error instanceof Error)) return "unknown error"
  const { code, data } = error as Error & { code?: unknown; data?: unknown }
  const status = typeof code === "number" ? `HTTP ${code} ` : ""
  const body = typeof data === "string" && data.trim() !== "" ? `: ${data.trim().replaceAll(/\s+/g, " ").slice(0, 200)}` : ""
  return `${status}${error.message}${body}`
}

/**
 * One signal's tally of failed exports.
 *
 * @since 0.1.0
 * @category models
 */
export class ExportFailures {
  readonly signal: ExportFailure["signal"]
  readonly destination: string
  count = 0
  reason: string | undefined = undefined
  /** Items in exports that have not answered yet. */
  pending = 0

  constructor(signal: ExportFailure["signal"], destination: string) {
    this.signal = signal
    this.destination = printable(destination)
  }

  /** Counts `items` as lost if `result` is a failure. */
  noteResult(result: ExportResult, items: number): void {
    if (result.code !== ExportResultCode.SUCCESS) this.lost(items, reasonOf(result.error))
  }

  /** `done`, counting the export's `items` as pending until it answers, and as lost if it fails. */
  track(items: number, done: (result: ExportResult) => void): (result: ExportResult) => void {
    this.pending += items
    return (result) => {
      // An answer after `report` (which zeroed the count) must not go below zero.
      this.pending = Math.max(0, this.pending - items)
      this.noteResult(result, items)
      done(result)
    }
  }

  /** Counts `items` as lost, for `reason` (kept if it is the first). */
  lost(items: number, reason: string): void {
    this.count += items
    this.reason ??= reason
  }

  /**
   * Calls `tell` if anything was lost (exports still unanswered count as
   * lost: the layer is closing), then starts counting afresh.
   */
  report(tell: ((failure: ExportFailure) => void) | undefined): void {
    if (this.pending > 0) this.lost(this.pending, "no answer before telemetry shut down")
    if (this.count > 0) {
      tell?.({ signal: this.signal, destination: this.destination, count: this.count, reason: this.reason ?? "unknown error" })
    }
    this.count = 0
    this.reason = undefined
    this.pending = 0
  }
}

/**
 * The CLI's one-line warning for a failed signal.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeExportFailure = (failure: ExportFailure): string => {
  const what = failure.signal === "traces"
    ? `${failure.count} span${failure.count === 1 ? "" : "s"}`
    : `metrics (${failure.count} export${failure.count === 1 ? "" : "s"} failed)`
  return `telemetry could not export ${what} to ${failure.destination}: ${failure.reason.replace(/\.$/, "")}.`
}
