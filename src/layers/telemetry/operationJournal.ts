/**
 * Where instrumented storage operations are recorded when they end, and
 * turned into spans and metric updates in batches: after 256 operations,
 * 50 ms after the first one waiting, or when `flushOperations` is called
 * (the telemetry layers call it before exporting at shutdown, the test
 * capture before it answers).
 *
 * Why batches: an operation on a local provider is a few thread-pool round
 * trips; work the event loop does between them keeps those threads waiting
 * and waking, and on virtual machines each wake-up costs far more than the
 * work itself (3 µs of plain computation per 4 KiB posix read cost 20 µs of
 * process CPU at 16 reads in flight; the same 3 µs per read done every 512
 * reads cost nothing measurable, see `bench/README.md`). So an operation
 * only notes what it did; making its span, encoding it and updating the six
 * metric series happen here, once per batch, with consecutive operations of
 * one series added up (counters summed, gauges set to the last value, as
 * updating them one by one would leave them).
 *
 * The span is made afterwards with the tracer, parent, annotations and links
 * of the context the operation ran in and its real start and end times; the
 * tracer sees the span only once it has ended (up to 50 ms late). Providers
 * whose own spans must be children of the operation's span make it when the
 * operation starts and hand it here to end.
 *
 * @since 0.1.0
 */
import { Clock, Context, Exit, LogLevel, Option, References, Tracer } from "effect"
import type { OperationMetrics } from "./storageMetrics.ts"

/**
 * What every operation of one kind on one instrumented provider shares: made
 * once by `instrument`, so noting an operation allocates nothing else.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationKind {
  /** The span's name, e.g. `StorageProvider.getBytes`. */
  readonly name: string
  readonly metrics: OperationMetrics
  /** The span attributes of every operation of the provider (type, profile). */
  readonly base: Readonly<Record<string, unknown>>
  /** The attribute the operation's key is recorded under (`strata.storage.key`, `strata.storage.prefix`). */
  readonly keyAttribute: string
  /** The attribute the size is recorded under (`strata.storage.size`, `strata.storage.entries`). */
  readonly sizeKey: string
  /** Whether a successful operation's size counts as data moved (reads, writes, copies). */
  readonly moved: boolean
}

/**
 * One operation as noted by the instrumentation: made when it starts (which
 * counts it as a request), completed by `ended`. Only what the batch needs is
 * kept, nothing derived: durations and attributes are worked out when the
 * batch is recorded.
 *
 * @since 0.1.0
 * @category models
 */
export class NotedOperation {
  /** The context the operation ran in: tracer, parent span, metric registry and attributes. */
  readonly context: Context.Context<never>
  readonly kind: OperationKind
  readonly key: string
  /** A copy's target (`strata.storage.target`). */
  readonly target: string | undefined
  readonly clock: Clock.Clock
  /** Monotonic times of the start and the end (placed on the wall clock when recorded: one clock read less each). */
  readonly started: bigint
  endedAt = 0n
  /** The span made at the start, or undefined to make it afterwards (if a tracer is installed). */
  span: Tracer.Span | undefined = undefined
  /** `success` or `error.<Reason>`. */
  status = "success"
  /** The failure, if it failed (a success's value is not kept). */
  failure: Exit.Exit<unknown, unknown> | undefined = undefined
  /** The span's size attribute (`kind.sizeKey`), if known. */
  size: number | undefined = undefined

  constructor(context: Context.Context<never>, kind: OperationKind, key: string, target: string | undefined) {
    this.context = context
    this.kind = kind
    this.key = key
    this.target = target
    this.clock = clockOf(context)
    this.started = this.clock.monotonicTimeNanosUnsafe()
    operationStarted(this)
  }

  /** Completes the operation and hands it to the journal. */
  ended(status: string, failure: Exit.Exit<unknown, unknown> | undefined, size: number | undefined): void {
    this.endedAt = this.clock.monotonicTimeNanosUnsafe()
    this.status = status
    this.failure = failure
    this.size = size
    operationEnded(this)
  }

  get seconds(): number {
    return Number(this.endedAt - this.started) / 1e9
  }

  /** Bytes moved, for the data metrics: the size of a successful read, write or copy. */
  get bytes(): number | undefined {
    return this.kind.moved && this.status === "success" ? this.size : undefined
  }

  /** Calls `set` with each of the operation's own span attributes, which follow the provider's (`kind.base`). */
  eachAttribute(set: (key: string, value: unknown) => void): void {
    set(this.kind.keyAttribute, this.key)
    if (this.target !== undefined) set("strata.storage.target", this.target)
  }
}

/** The clock of the last context noted: consecutive operations mostly run in one. */
let notedContext: Context.Context<never> | undefined = undefined
let notedClock: Clock.Clock | undefined = undefined

const clockOf = (context: Context.Context<never>): Clock.Clock => {
  if (context !== notedContext) {
    notedContext = context
    notedClock = Context.get(context, Clock.Clock)
  }
  return notedClock!
}

const BATCH = 256
const DELAY_MILLIS = 50

let started: Array<NotedOperation> = []
let ended: Array<NotedOperation> = []
let timer: ReturnType<typeof setTimeout> | undefined = undefined
let warned = false

const schedule = (): void => {
  if (timer !== undefined) return
  timer = setTimeout(flushOperations, DELAY_MILLIS)
  timer.unref()
}

/** MSC counts requests when they start. */
const operationStarted = (operation: NotedOperation): void => {
  started.push(operation)
  schedule()
}

const operationEnded = (operation: NotedOperation): void => {
  ended.push(operation)
  if (ended.length >= BATCH) flushOperations()
  else schedule()
}

/**
 * Makes the spans and metric updates of every operation noted so far.
 *
 * @since 0.1.0
 * @category recording
 */
export function flushOperations(): void {
  if (timer !== undefined) clearTimeout(timer)
  timer = undefined
  const starts = started
  const operations = ended
  started = []
  ended = []
  // A tracer or metric hook that throws must not fail the program (this may run on a timer): say it once.
  guarded(() => {
    countStarts(starts)
    countEnds(operations)
  })
  guarded(() => {
    for (const operation of operations) endSpan(operation)
  })
  lastContext = undefined
  lastSpanContext = undefined
  lastClock = undefined
  notedContext = undefined
  notedClock = undefined
}

const guarded = (record: () => void): void => {
  try {
    record()
  } catch (cause) {
    if (!warned) console.warn(`strata: recording storage telemetry failed: ${String(cause)}`)
    warned = true
  }
}

/** Calls `f` with the bounds `[from, to)` of each run of consecutive operations that `same` keeps together. */
const forEachRun = (
  operations: ReadonlyArray<NotedOperation>,
  same: (a: NotedOperation, b: NotedOperation) => boolean,
  f: (from: number, to: number) => void
): void => {
  let from = 0
  for (let i = 1; i <= operations.length; i++) {
    if (i === operations.length || !same(operations[i - 1]!, operations[i]!)) {
      f(from, i)
      from = i
    }
  }
}

const sameSeries = (a: NotedOperation, b: NotedOperation): boolean =>
  a.kind.metrics === b.kind.metrics && a.context === b.context

/** `request.sum`, one update per run of starts with the same series and context. */
const countStarts = (operations: ReadonlyArray<NotedOperation>): void =>
  forEachRun(operations, sameSeries, (from, to) => {
    const { context, kind } = operations[from]!
    kind.metrics.started(context, to - from)
  })

/** The other five series, one update each per run of ends with the same series, context and status. */
const countEnds = (operations: ReadonlyArray<NotedOperation>): void =>
  forEachRun(operations, (a, b) => sameSeries(a, b) && a.status === b.status, (from, to) => {
    let bytesTotal = 0
    let moved: NotedOperation | undefined = undefined
    for (let i = from; i < to; i++) {
      const operation = operations[i]!
      const { bytes } = operation
      if (bytes === undefined) continue
      bytesTotal += bytes
      moved = operation
    }
    const last = operations[to - 1]!
    last.kind.metrics.ended(last.context, last.status, to - from, last.seconds, moved, bytesTotal)
  })

/** The last clock read and its wall-minus-monotonic offset, read once per clock and batch. */
let lastClock: Clock.Clock | undefined = undefined
let lastOffset = 0n

const wallOffset = (clock: Clock.Clock): bigint => {
  if (clock !== lastClock) {
    lastClock = clock
    lastOffset = clock.currentTimeNanosUnsafe() - clock.monotonicTimeNanosUnsafe()
  }
  return lastOffset
}

const endSpan = (operation: NotedOperation): void => {
  const offset = wallOffset(operation.clock)
  const span = operation.span ?? spanAfterwards(operation, offset)
  if (span === undefined) return
  const { status } = operation
  span.attribute("strata.storage.status", status)
  if (status !== "success") span.attribute("strata.storage.error.reason", status.slice("error.".length))
  if (operation.size !== undefined) span.attribute(operation.kind.sizeKey, operation.size)
  span.end(operation.endedAt + offset, operation.failure ?? Exit.void)
}

/** A parent whose annotations disable propagation is skipped, as Effect does. */
const propagating = (span: Tracer.AnySpan | undefined): Option.Option<Tracer.AnySpan> => {
  if (span === undefined) return Option.none()
  if (!Context.get(span.annotations, Tracer.DisablePropagation)) return Option.some(span)
  return span._tag === "Span" ? propagating(Option.getOrUndefined(span.parent)) : Option.none()
}

/** What spans made afterwards take from their operation's context: the same for every operation of a context. */
interface SpanContext {
  readonly tracer: Tracer.Tracer
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly links: ReadonlyArray<Tracer.SpanLink>
  readonly timing: boolean
  readonly sampled: boolean
  readonly annotations: Readonly<Record<string, unknown>>
}

/** The last context read: a batch's operations mostly ran in one. */
let lastContext: Context.Context<never> | undefined = undefined
let lastSpanContext: SpanContext | undefined = undefined

/** Undefined where Effect makes no recorded span: tracing disabled, or its native tracer, which exports nothing. */
const spanContextOf = (context: Context.Context<never>): SpanContext | undefined => {
  if (context === lastContext) return lastSpanContext
  const tracer = Context.get(context, Tracer.Tracer)
  let found: SpanContext | undefined = undefined
  if (tracer !== Tracer.nativeTracer && Context.get(context, References.TracerEnabled)) {
    const parent = propagating(Context.getOrUndefined(context, Tracer.ParentSpan))
    found = {
      tracer,
      parent,
      links: Context.get(context, References.TracerSpanLinks),
      timing: Context.get(context, References.TracerTimingEnabled),
      sampled: Option.isSome(parent) && parent.value.sampled === false
        ? false
        : !LogLevel.isGreaterThan(Context.get(context, Tracer.MinimumTraceLevel), Context.get(context, Tracer.CurrentTraceLevel)),
      annotations: Context.get(context, References.TracerSpanAnnotations)
    }
  }
  lastContext = context
  lastSpanContext = found
  return found
}

/**
 * The span Effect's `makeSpan` would have made at the operation's start in
 * its context: same tracer, parent, sampling by trace level, annotations and
 * links.
 */
const spanAfterwards = (operation: NotedOperation, offset: bigint): Tracer.Span | undefined => {
  const found = spanContextOf(operation.context)
  if (found === undefined) return undefined
  const { kind } = operation
  const span = found.tracer.span({
    name: kind.name,
    parent: found.parent,
    annotations: Context.empty(),
    links: found.links.length === 0 ? [] : found.links.slice(),
    startTime: found.timing ? operation.started + offset : 0n,
    kind: "client",
    root: false,
    sampled: found.sampled
  })
  const { annotations } = found
  for (const key in annotations) span.attribute(key, annotations[key])
  const { base } = kind
  for (const key in base) span.attribute(key, base[key])
  operation.eachAttribute((key, value) => span.attribute(key, value))
  return span
}
