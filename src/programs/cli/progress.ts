/**
 * Progress for long CLI work: a redrawn bar on a terminal, plain lines
 * otherwise (logs, CI), always on stderr so stdout stays clean for `--json`.
 *
 * @since 0.1.0
 */
import { humanBytes, humanDuration } from "./format.ts"

/**
 * Where progress goes; `isTTY` chooses the bar or plain lines.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgressSink {
  readonly isTTY: boolean
  readonly columns: number
  readonly write: (text: string) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  readonly advance: (files: number, bytes: number) => void
  /** More work found (a sync's totals grow while it lists). */
  readonly grow: (files: number, bytes: number) => void
  readonly finish: () => void
}

const stderrSink: ProgressSink = {
  isTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns ?? 80,
  write: (text) => void process.stderr.write(text)
}

/**
 * A progress reporter for `totalFiles` files of `totalBytes` bytes (or an
 * open-ended count while they are not known). Redraws at
 * most ten times a second on a terminal and prints a line every two seconds
 * elsewhere; `quiet` prints nothing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeProgress = (options: {
  readonly label: string
  /** Absent while the total is unknown (work found as it goes): counts and rate only. */
  readonly totalFiles?: number | undefined
  readonly totalBytes?: number | undefined
  readonly quiet?: boolean
  readonly sink?: ProgressSink
  readonly now?: () => number
}): Progress => {
  const sink = options.sink ?? stderrSink
  const now = options.now ?? Date.now
  const started = now()
  const interval = sink.isTTY ? 100 : 2000
  let files = 0
  let bytes = 0
  let totalFiles = options.totalFiles
  let totalBytes = options.totalBytes
  let lastDraw = 0

  const line = (): string => {
    const seconds = (now() - started) / 1000
    const rate = seconds > 0 ? bytes / seconds : 0
    if (totalFiles === undefined || totalBytes === undefined) {
      return `${options.label}: ${files} files  ${humanBytes(bytes)}  ${humanBytes(rate)}/s`
    }
    const fraction = totalBytes > 0 ? bytes / totalBytes : totalFiles > 0 ? files / totalFiles : 1
    const eta = rate > 0 ? (totalBytes - bytes) / rate : Number.NaN
    const stats = `${files}/${totalFiles} files  ${humanBytes(bytes)}/${humanBytes(totalBytes)}  ` +
      `${humanBytes(rate)}/s  ETA ${humanDuration(eta)}`
    const percent = `${(fraction * 100).toFixed(1).padStart(5)}%`
    if (!sink.isTTY) return `${options.label}: ${percent}  ${stats}`
    const room = Math.max(10, Math.min(40, sink.columns - stats.length - options.label.length - 12))
    const filled = Math.round(fraction * room)
    return `${options.label} ${percent} [${"#".repeat(filled)}${".".repeat(room - filled)}] ${stats}`
  }

  const draw = (final: boolean): void => {
    if (options.quiet === true) return
    const t = now()
    if (!final && t - lastDraw < interval) return
    lastDraw = t
    sink.write(sink.isTTY ? `\r\x1b[2K${line()}${final ? "\n" : ""}` : `${line()}\n`)
  }

  return {
    advance: (f, b) => {
      files += f
      bytes += b
      draw(false)
    },
    grow: (f, b) => {
      totalFiles = (totalFiles ?? 0) + f
      totalBytes = (totalBytes ?? 0) + b
    },
    finish: () => draw(true)
  }
}
