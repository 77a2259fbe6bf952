/**
 * Instrumentation of storage providers, as a wrapping layer: `instrument`
 * takes a provider and gives back one whose every operation is traced and
 * measured, so providers themselves carry no telemetry code.
 *
 * Spans: `StorageProvider.<op>` (head, read, getBytes, put, delete, copy,
 * list), kind `client`, child of the caller's span, with attributes
 * `strata.storage.provider` (provider type), `strata.storage.profile`,
 * `strata.storage.key` (`strata.storage.target` for copy),
 * `strata.storage.size` where known (bytes read or written, the object's size
 * for head and copy; `strata.storage.entries` for list), `strata.storage.status` (`success` or
 * `error.<Reason>`) and `strata.storage.error.reason` on failure. Stream
 * operations (read, list) and streamed put bodies are covered whole: the span
 * starts when the stream is run and ends when it ends, fails or is
 * interrupted; a read's size is the bytes actually streamed.
 *
 * Metrics: MSC's, renamed `multistorageclient.*` → `strata.storage.*` and
 * `multistorageclient.version` → `strata.version`; see `telemetry/storageMetrics.ts`
 * for the table. Operations map to MSC's names: head → info, read/getBytes →
 * read, put → write, delete, copy, list.
 *
 * A provider's own spans (an HTTP client's, a remote call's `traceparent`)
 * are children of the operation's span; for providers that declare
 * `tracesInside: false` (memory, posix) the span is not made current inside,
 * which saves a context change per operation.
 *
 * Cost: with no tracer installed (Effect's default native tracer, which
 * exports nothing) no spans are made at all, only the metrics, which are
 * in-memory map updates (~2 µs); with a tracer, making the span and
 * providing it as the parent of the provider's work adds ~2 µs more
 * (measured on the memory provider, see `bench/README.md`). When telemetry
 * is off the CLI does not wrap at all.
 *
 * @since 0.1.0
 */
import { Cause, Clock, Effect, Exit, Stream, Tracer } from "effect"
import type { Context, Fiber } from "effect"
import type { StorageConfig } from "../services/StorageConfig.ts"
import type { Body, ObjectMetadata, StorageProviderShape } from "../services/StorageProvider.ts"
import { StorageError } from "../services/StorageProvider.ts"
import type { ProviderWrap } from "./storage/profiles.ts"
import { resolveMetricAttributes } from "./telemetry/attributes.ts"
import { makeStorageMetrics, STRATA_VERSION } from "./telemetry/storageMetrics.ts"
import type { OperationMetrics, StorageOperation } from "./telemetry/storageMetrics.ts"

export { ATTRIBUTE_PROVIDER_TYPES, resolveMetricAttributes } from "./telemetry/attributes.ts"
export { StorageMetricNames, STRATA_VERSION } from "./telemetry/storageMetrics.ts"
export type { StorageOperation } from "./telemetry/storageMetrics.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface InstrumentOptions {
  /** The profile the provider serves (span attribute `strata.storage.profile`). */
  readonly profile: string
  /** Resolved user metric attributes (see `resolveMetricAttributes`). */
  readonly attributes?: Readonly<Record<string, string>> | undefined
}

/**
 * `success`, or `error.<Reason>` for a `StorageError` (`error.<_tag>` for
 * another tagged error, `error.Defect`, `error.Interrupted`).
 *
 * @since 0.1.0
 * @category status
 */
export const statusOf = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Cause.findErrorOption(exit.cause)
  if (failure._tag === "Some") {
    const error = failure.value
    if (error instanceof StorageError) return `error.${error.reason}`
    const tag = typeof error === "object" && error !== null ? (error as { _tag?: unknown })._tag : undefined
    return `error.${typeof tag === "string" ? tag : "Unknown"}`
  }
  return Cause.hasInterruptsOnly(exit.cause) ? "error.Interrupted" : "error.Defect"
}

const SECOND_NANOS = 1e9
const contentLength = (metadata: ObjectMetadata) => metadata.contentLength
const byteLength = (bytes: Uint8Array) => bytes.byteLength

/**
 * No tracer installed: Effect's native tracer keeps spans in memory and drops
 * them, so none are made.
 */
const untraced = (fiber: Fiber.Fiber<unknown, unknown>): boolean => fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer

interface Call {
  /** Absent when no tracer is installed. */
  readonly span: Tracer.Span | undefined
  readonly metrics: OperationMetrics
  readonly started: bigint
}

/**
 * Ends an operation: span attributes, then the metrics. `bytes` goes to the
 * data metrics (successful read/write/copy only); `size` to the span.
 */
const finish = (
  call: Call,
  context: Context.Context<never>,
  clock: Clock.Clock,
  exit: Exit.Exit<unknown, unknown>,
  size: number | undefined,
  moved: boolean
): void => {
  const status = statusOf(exit)
  const { span } = call
  if (span !== undefined) {
    span.attribute("strata.storage.status", status)
    if (status !== "success") span.attribute("strata.storage.error.reason", status.slice("error.".length))
    if (size !== undefined) span.attribute("strata.storage.size", size)
  }
  const seconds = Number(clock.monotonicTimeNanosUnsafe() - call.started) / SECOND_NANOS
  call.metrics.ended(context, status, seconds, moved && status === "success" ? size : undefined)
}

/**
 * Wraps a provider: one span per operation and MSC's metrics.
 *
 * @since 0.1.0
 * @category combinators
 */
export const instrument = (provider: StorageProviderShape, options: InstrumentOptions): StorageProviderShape => {
  const metricsOf = makeStorageMetrics({
    ...options.attributes,
    "strata.version": STRATA_VERSION,
    "strata.storage.provider": provider.type
  })
  const spanAttributes = { "strata.storage.provider": provider.type, "strata.storage.profile": options.profile }
  const tracesInside = provider.tracesInside !== false
  const spanOptions = (attributes: Readonly<Record<string, unknown>>): Tracer.SpanOptionsNoTrace => ({
    kind: "client",
    attributes: { ...spanAttributes, ...attributes }
  })

  /** An effect operation: `size` reads the span's size from the result, `moved` says it counts as data. */
  const observe = <A, E>(
    name: string,
    operation: StorageOperation,
    attributes: Readonly<Record<string, unknown>>,
    effect: Effect.Effect<A, E>,
    size: (value: A) => number | undefined,
    moved: boolean,
    streamed?: () => number
  ): Effect.Effect<A, E> =>
    Effect.withFiber((fiber) => {
      const clock = fiber.getRef(Clock.Clock)
      const run = (span: Tracer.Span | undefined) => {
        const call: Call = { span, metrics: metricsOf(operation), started: clock.monotonicTimeNanosUnsafe() }
        call.metrics.started(fiber.context)
        return Effect.onExit(
          // Not `Effect.withParentSpan`: it captures a stack trace (`new Error()`) per call, most of a span's cost.
          span === undefined || !tracesInside ? effect : Effect.provideService(effect, Tracer.ParentSpan, span),
          // Called once, at the exit: the recording is synchronous, so no effect is needed for it.
          (exit) => {
            finish(call, fiber.context, clock, exit, Exit.isSuccess(exit) ? size(exit.value) : streamed?.(), moved)
            span?.end(clock.currentTimeNanosUnsafe(), exit)
            return Effect.void
          }
        )
      }
      // `makeSpan` and ending it in our own exit hook: `useSpan` would add a second hook.
      return untraced(fiber)
        ? run(undefined)
        : Effect.flatMap(Effect.makeSpan(`StorageProvider.${name}`, spanOptions(attributes)), run)
    })

  /** A stream operation: the span and the clock start when the stream runs and stop when it ends. */
  const observeStream = <A, E>(
    name: string,
    operation: StorageOperation,
    attributes: Readonly<Record<string, unknown>>,
    stream: Stream.Stream<A, E>,
    measure: (value: A) => number,
    moved: boolean,
    sizeKey = "strata.storage.size"
  ): Stream.Stream<A, E> =>
    Stream.unwrap(Effect.withFiber((fiber) => {
      const clock = fiber.getRef(Clock.Clock)
      const observed = (span: Tracer.Span | undefined): Stream.Stream<A, E> => {
        const call: Call = { span, metrics: metricsOf(operation), started: clock.monotonicTimeNanosUnsafe() }
        call.metrics.started(fiber.context)
        let total = 0
        const counted = Stream.mapArray(stream, (chunk) => {
          for (const value of chunk) total += measure(value)
          return chunk
        })
        return (span === undefined || !tracesInside ? counted : Stream.provideService(counted, Tracer.ParentSpan, span)).pipe(
          Stream.onExit((exit) =>
            Effect.sync(() => {
              const bySize = sizeKey === "strata.storage.size"
              finish(call, fiber.context, clock, exit, bySize ? total : undefined, moved)
              if (span === undefined) return
              if (!bySize) span.attribute(sizeKey, total)
              span.end(clock.currentTimeNanosUnsafe(), exit)
            })
          )
        )
      }
      return untraced(fiber)
        ? Effect.succeed(observed(undefined))
        : Effect.map(Effect.makeSpan(`StorageProvider.${name}`, spanOptions(attributes)), observed)
    }))

  return {
    type: provider.type,
    capabilities: provider.capabilities,
    head: (key) => observe("head", "info", { "strata.storage.key": key }, provider.head(key), contentLength, false),
    read: (key, readOptions) =>
      observeStream("read", "read", { "strata.storage.key": key }, provider.read(key, readOptions), byteLength, true),
    getBytes: (key, readOptions) =>
      observe("getBytes", "read", { "strata.storage.key": key }, provider.getBytes(key, readOptions), byteLength, true),
    put: <E = never>(key: string, body: Body<E>, putOptions?: Parameters<StorageProviderShape["put"]>[2]) => {
      if (body instanceof Uint8Array) {
        const size = body.byteLength
        return observe("put", "write", { "strata.storage.key": key }, provider.put(key, body, putOptions), () => size, true)
      }
      // The provider consumes the body inside its effect, so the put span covers it; count what it pulled.
      return Effect.suspend(() => {
        let sent = 0
        const counted = Stream.mapArray(body, (chunk) => {
          for (const bytes of chunk) sent += bytes.byteLength
          return chunk
        })
        const size = () => sent
        return observe("put", "write", { "strata.storage.key": key }, provider.put(key, counted, putOptions), size, true, size)
      })
    },
    delete: (key, deleteOptions) =>
      observe("delete", "delete", { "strata.storage.key": key }, provider.delete(key, deleteOptions), () =>
        undefined, false),
    copy: (source, target) =>
      observe(
        "copy",
        "copy",
        { "strata.storage.key": source, "strata.storage.target": target },
        provider.copy(source, target),
        contentLength,
        true
      ),
    list: (listOptions) =>
      observeStream("list", "list", { "strata.storage.prefix": listOptions?.prefix ?? "" }, provider.list(listOptions), () =>
        1, false, "strata.storage.entries")
  }
}

/**
 * A `ProviderWrap` instrumenting every profile's provider with the given
 * (already resolved) metric attributes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const instrumentationWrapWith = (attributes: Readonly<Record<string, string>>): ProviderWrap =>
(profile, _profileConfig, provider) => Effect.succeed(instrument(provider, { profile, attributes }))

/**
 * A `ProviderWrap` for `makeStorageClient`'s `wrap` option: every profile's
 * provider instrumented with the config's metric attributes, resolved against
 * `env` when a profile is built (a bad attribute provider then fails that
 * build). To report such mistakes at startup instead, call
 * `resolveMetricAttributes` first and use `instrumentationWrapWith`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const instrumentationWrap = (
  config: StorageConfig,
  env: Readonly<Record<string, string | undefined>>
): ProviderWrap =>
(profile, _profileConfig, provider) =>
  Effect.map(
    resolveMetricAttributes(config.opentelemetry, env),
    (attributes) => instrument(provider, { profile, attributes })
  )
