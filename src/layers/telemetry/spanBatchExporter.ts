/**
 * The OTLP/HTTP protobuf span exporter of the export tracer: a span is
 * encoded into the current batch when it ends (`otlpSpanEncoder.ts`), so
 * nothing of it waits in memory for the export (the SDK's batch processor
 * keeps a record per span until its batch is serialised, and those records
 * outlive young-generation collections under load). Batches are sent by the
 * SDK's OTLP/HTTP transport (`OTEL_EXPORTER_OTLP_*` headers, compression,
 * certificates, time limit, retries), one request at a time.
 *
 * The rules are the SDK batch processor's: a batch goes when it holds
 * `maxExportBatchSize` spans or `scheduledDelayMillis` after its first span;
 * at most `maxQueueSize` spans wait (encoded, or in the request being sent),
 * spans beyond are dropped and counted; a failed export is dropped, never
 * retried past the transport's own retries, and never reaches the program.
 *
 * @since 0.1.0
 */
import type { SpanStatus } from "@opentelemetry/api"
import type { ExportResult } from "@opentelemetry/core"
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from "@opentelemetry/otlp-exporter-base/node-http"
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer"
import type { ExportSpan, SpanSink } from "./exportTracer.ts"
import { encodeRequest, encodeSpan, type RequestFrame } from "./otlpSpanEncoder.ts"
import { ProtobufWriter } from "./protobufWriter.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface SpanBatchExporterOptions {
  readonly maxQueueSize: number
  readonly maxExportBatchSize: number
  readonly scheduledDelayMillis: number
  readonly linkCount: number
  readonly frame: RequestFrame
}

/** What the transport sends: one encoded request and how many spans it carries (for the SDK's exporter metrics). */
interface SpanBatch {
  readonly bytes: Uint8Array
  readonly count: number
}

/** Sends one request; calls back once when it is done, delivered or not. */
export type SendBatch = (batch: SpanBatch, done: (result: ExportResult) => void) => void

/**
 * The SDK's OTLP/HTTP transport carrying already-encoded protobuf requests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const otlpHttpSender = (url: string, timeoutMillis: number) => {
  const delegate = createOtlpHttpExportDelegate<SpanBatch, unknown>(
    convertLegacyHttpOptions({ url, timeoutMillis }, "TRACES", "v1/traces", {
      "Content-Type": "application/x-protobuf"
    }),
    { serializeRequest: (batch) => batch.bytes, deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data) },
    "otlp_http_span_exporter",
    { name: "span", countItems: (batch) => batch.count },
    undefined
  )
  return {
    send: ((batch, done) => delegate.export(batch, done)) satisfies SendBatch,
    shutdown: () => delegate.shutdown()
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export class SpanBatchExporter implements SpanSink {
  /** Spans ended and encoded, and spans dropped because the queue was full. */
  ended = 0
  dropped = 0
  private readonly writer = new ProtobufWriter()
  private batchCount = 0
  private readonly waiting: Array<SpanBatch> = []
  private waitingCount = 0
  private sending: SpanBatch | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private idle: Array<() => void> = []
  private readonly options: SpanBatchExporterOptions
  private readonly send: SendBatch

  /** Called with each request's outcome and the spans it carried. */
  private readonly onResult: ((result: ExportResult, spans: number) => void) | undefined

  constructor(
    options: SpanBatchExporterOptions,
    send: SendBatch,
    onResult?: (result: ExportResult, spans: number) => void
  ) {
    this.options = options
    this.send = send
    this.onResult = onResult
  }

  /** Spans encoded but not yet delivered: in the open batch, waiting, or in the request being sent. */
  get unsent(): number {
    return this.batchCount + this.waitingCount + (this.sending?.count ?? 0)
  }

  spanEnded(span: ExportSpan, endTime: bigint, status: SpanStatus): void {
    this.ended++
    if (this.unsent >= this.options.maxQueueSize) {
      this.dropped++
      return
    }
    encodeSpan(this.writer, span, endTime, status, this.options.linkCount)
    if (++this.batchCount >= this.options.maxExportBatchSize) this.seal()
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.seal(), this.options.scheduledDelayMillis)
      this.timer.unref()
    }
  }

  /** The current batch becomes a request waiting to be sent. */
  private seal(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.batchCount === 0) return
    const spans = this.writer.buffer.subarray(0, this.writer.pos)
    this.waiting.push({ bytes: encodeRequest(this.options.frame, spans), count: this.batchCount })
    this.waitingCount += this.batchCount
    this.writer.pos = 0
    this.batchCount = 0
    this.next()
  }

  private next(): void {
    if (this.sending !== undefined) return
    const batch = this.waiting.shift()
    if (batch === undefined) {
      const idle = this.idle
      this.idle = []
      for (const resolve of idle) resolve()
      return
    }
    this.waitingCount -= batch.count
    this.sending = batch
    this.send(batch, (result) => {
      this.onResult?.(result, batch.count)
      this.sending = undefined
      this.next()
    })
  }

  /** Sends what is waiting; resolves when nothing is left (failed sends included). */
  forceFlush(): Promise<void> {
    this.seal()
    if (this.sending === undefined && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }
}
