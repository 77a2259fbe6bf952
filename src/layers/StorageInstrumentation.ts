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
 * Recording: an operation only notes what it did (start and end times,
 * status, size); its span and metric updates are made in batches by
 * `telemetry/operationJournal.ts` (every 256 operations, 50 ms after the
 * first waiting one, or on `flush`; the telemetry layer flushes before its
 * exporters' final export, `TelemetryCapture` before it answers). Work done
 * between a local provider's thread-pool round trips keeps those threads
 * waking up, which costs several times the work itself; done once per batch
 * it does not (`bench/README.md`). A tracer therefore sees a storage span
 * only once it has ended, up to 50 ms late, and Effect metrics read right
 * after an operation need a `flush` first.
 *
 * A provider's own spans (an HTTP client's, a remote call's `traceparent`)
 * are children of the operation's span, made when the operation starts; for
 * providers that declare `tracesInside: false` (memory, posix) the span is
 * made afterwards, with the same tracer, parent, times and attributes.
 *
 * With no tracer installed (Effect's default native tracer, which exports
 * nothing) no spans are made at all, only the metrics. When telemetry is off
 * the CLI does not wrap at all.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Stream, Tracer } from "effect"
import type { Fiber } from "effect"
import type { StorageConfig } from "../services/StorageConfig.ts"
import type { Body, ObjectMetadata, StorageProviderShape } from "../services/StorageProvider.ts"
import { StorageError } from "../services/StorageProvider.ts"
import type { ProviderWrap } from "./storage/profiles.ts"
import { resolveMetricAttributes } from "./telemetry/attributes.ts"
import { flushOperations, NotedOperation, type OperationKind } from "./telemetry/operationJournal.ts"
import { makeStorageMetrics, STRATA_VERSION } from "./telemetry/storageMetrics.ts"
import type { StorageOperation } from "./telemetry/storageMetrics.ts"

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

const contentLength = (metadata: ObjectMetadata) => metadata.contentLength
const byteLength = (bytes: Uint8Array) => bytes.byteLength
const nothing = () => undefined
const one = () => 1
const KEY = "strata.storage.key"
const SIZE = "strata.storage.size"

/**
 * No tracer installed: Effect's native tracer keeps spans in memory and drops
 * them, so none are made.
 */
const untraced = (fiber: Fiber.Fiber<unknown, unknown>): boolean => fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer

/** Notes the end of an operation that failed or was interrupted. */
const failed = (noted: NotedOperation, exit: Exit.Failure<unknown, unknown>, size: number | undefined): void =>
  noted.ended(statusOf(exit), exit, size)

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
  const base = { "strata.storage.provider": provider.type, "strata.storage.profile": options.profile }
  const tracesInside = provider.tracesInside !== false
  const kind = (
    name: string,
    operation: StorageOperation,
    moved: boolean,
    keyAttribute = KEY,
    sizeKey = SIZE
  ): OperationKind => ({ name: `StorageProvider.${name}`, metrics: metricsOf(operation), base, keyAttribute, sizeKey, moved })
  const kinds = {
    head: kind("head", "info", false),
    read: kind("read", "read", true),
    getBytes: kind("getBytes", "read", true),
    put: kind("put", "write", true),
    delete: kind("delete", "delete", false),
    copy: kind("copy", "copy", true),
    list: kind("list", "list", false, "strata.storage.prefix", "strata.storage.entries")
  }

  /**
   * The span a provider with spans of its own runs inside, made at the start
   * (others get theirs when the journal flushes).
   */
  const spanInside = (fiber: Fiber.Fiber<unknown, unknown>, noted: NotedOperation) => {
    if (!tracesInside || untraced(fiber)) return undefined
    const attributes: Record<string, unknown> = { ...base }
    noted.eachAttribute((key, value) => (attributes[key] = value))
    return Effect.map(Effect.makeSpan(noted.kind.name, { kind: "client", attributes }), (span) => (noted.span = span))
  }

  /**
   * An effect operation on `key` (and a copy's `target`): `size` reads the
   * span's size from the result; `streamed` counts what a failed upload sent.
   */
  const observe = <A, E>(
    operationKind: OperationKind,
    key: string,
    target: string | undefined,
    effect: Effect.Effect<A, E>,
    size: (value: A) => number | undefined,
    streamed: () => number | undefined = nothing
  ): Effect.Effect<A, E> =>
    Effect.withFiber((fiber) => {
      const noted = new NotedOperation(fiber.context, operationKind, key, target)
      const run = (span: Tracer.Span | undefined) =>
        Effect.onExitPrimitive(
          // Not `Effect.withParentSpan`: it captures a stack trace (`new Error()`) per call, most of a span's cost.
          span === undefined ? effect : Effect.provideService(effect, Tracer.ParentSpan, span),
          // Called once, at the exit. Noting the end is synchronous: no finalizer effect (`undefined`), and nothing
          // to protect from interruption (`true`), which saves `onExit`'s extra steps on every operation.
          (exit) => {
            if (exit._tag === "Success") noted.ended("success", undefined, size(exit.value))
            else failed(noted, exit, streamed())
            return undefined
          },
          true
        )
      const inside = spanInside(fiber, noted)
      return inside === undefined ? run(undefined) : Effect.flatMap(inside, run)
    })

  /** A stream operation: the clock starts when the stream runs and stops when it ends. */
  const observeStream = <A, E>(
    operationKind: OperationKind,
    key: string,
    stream: Stream.Stream<A, E>,
    measure: (value: A) => number
  ): Stream.Stream<A, E> =>
    Stream.unwrap(Effect.withFiber((fiber) => {
      const noted = new NotedOperation(fiber.context, operationKind, key, undefined)
      const observed = (span: Tracer.Span | undefined): Stream.Stream<A, E> => {
        let total = 0
        const counted = Stream.mapArray(stream, (chunk) => {
          for (const value of chunk) total += measure(value)
          return chunk
        })
        return (span === undefined ? counted : Stream.provideService(counted, Tracer.ParentSpan, span)).pipe(
          Stream.onExit((exit) =>
            Effect.sync(() => exit._tag === "Success" ? noted.ended("success", undefined, total) : failed(noted, exit, total))
          )
        )
      }
      const inside = spanInside(fiber, noted)
      return inside === undefined ? Effect.succeed(observed(undefined)) : Effect.map(inside, observed)
    }))

  return {
    type: provider.type,
    capabilities: provider.capabilities,
    head: (key) => observe(kinds.head, key, undefined, provider.head(key), contentLength),
    read: (key, readOptions) => observeStream(kinds.read, key, provider.read(key, readOptions), byteLength),
    getBytes: (key, readOptions) => observe(kinds.getBytes, key, undefined, provider.getBytes(key, readOptions), byteLength),
    put: <E = never>(key: string, body: Body<E>, putOptions?: Parameters<StorageProviderShape["put"]>[2]) => {
      if (body instanceof Uint8Array) {
        const size = body.byteLength
        return observe(kinds.put, key, undefined, provider.put(key, body, putOptions), () => size)
      }
      // The provider consumes the body inside its effect, so the put span covers it; count what it pulled.
      return Effect.suspend(() => {
        let sent = 0
        const counted = Stream.mapArray(body, (chunk) => {
          for (const bytes of chunk) sent += bytes.byteLength
          return chunk
        })
        const size = () => sent
        return observe(kinds.put, key, undefined, provider.put(key, counted, putOptions), size, size)
      })
    },
    delete: (key, deleteOptions) => observe(kinds.delete, key, undefined, provider.delete(key, deleteOptions), nothing),
    copy: (source, target) => observe(kinds.copy, source, target, provider.copy(source, target), contentLength),
    list: (listOptions) => observeStream(kinds.list, listOptions?.prefix ?? "", provider.list(listOptions), one)
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

/**
 * Records every instrumented operation still waiting in the journal (spans
 * and metric updates are made in batches, at most 50 ms after an operation
 * ends). The telemetry layer and `TelemetryCapture` do this themselves; call
 * it before reading Effect metrics or a tracer of your own right after an
 * operation.
 *
 * @since 0.1.0
 * @category recording
 */
export const flush: Effect.Effect<void> = Effect.sync(flushOperations)
