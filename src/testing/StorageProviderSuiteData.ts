/**
 * Helpers of the StorageProvider behaviour suite: fixtures, assertions on
 * `StorageError`s, a lazily generated large body with a running checksum, and
 * a probe of the process's live memory.
 *
 * @since 0.1.0
 */
import { assert } from "@effect/vitest"
import { Cause, Effect, Exit, Result, Stream } from "effect"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { StorageError } from "../services/StorageProvider.ts"
import { StorageProvider } from "../services/StorageProvider.ts"
import type { ListOptions, StorageErrorReason, StorageProviderShape } from "../services/StorageProvider.ts"
import { concatBytes } from "../services/StorageRead.ts"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * UTF-8 bytes of a string.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const bytesOf = (text: string): Uint8Array => encoder.encode(text)

/**
 * A string from UTF-8 bytes.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const textOf = (bytes: Uint8Array): string => decoder.decode(bytes)

/**
 * A prefix no other test (or other run against the same backend) uses.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const uniqueRoot = (): string => `strata-suite-${crypto.randomUUID()}`

/**
 * What a test body gets: the provider and a fresh prefix to write under.
 *
 * @since 0.1.0
 * @category fixtures
 */
export interface Fixture {
  readonly p: StorageProviderShape
  /** `root + "/" + name` */
  readonly at: (name: string) => string
  readonly root: string
}

/** Deletes everything under `root`, ignoring failures (best effort). */
const cleanUp = (p: StorageProviderShape, root: string) =>
  p.list({ prefix: `${root}/` }).pipe(
    Stream.runForEach((entry) => Effect.ignore(p.delete(entry.key))),
    Effect.ignore
  )

/**
 * Runs `body` with a fresh prefix, deleting what is under it when the test
 * ends. Does nothing on a read-only provider: no fixture can be written.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const withRoot = <A, E>(body: (fixture: Fixture) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const p = yield* StorageProvider
    if (!p.capabilities.write) return
    const root = uniqueRoot()
    yield* Effect.addFinalizer(() => cleanUp(p, root))
    yield* body({ p, root, at: (name) => `${root}/${name}` })
  })

/**
 * Puts a UTF-8 text.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const putText = (p: StorageProviderShape, key: string, text: string) => p.put(key, bytesOf(text))

/**
 * Gets an object as UTF-8 text.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const getText = (p: StorageProviderShape, key: string) => Effect.map(p.getBytes(key), textOf)

/**
 * Keys that every operation must refuse with `InvalidPath`.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const invalidKeys: ReadonlyArray<string> = ["../x", "/abs", "a//b", "a/./b", "", "a/..", "dir/", "nul\0byte"]

/**
 * Runs `effect` expecting a `StorageError` of `reason`; returns the error.
 *
 * @since 0.1.0
 * @category assertions
 */
export const expectError = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  reason: StorageErrorReason,
  what: string
): Effect.Effect<StorageError, never, R> =>
  Effect.flatMap(Effect.exit(effect), (exit) =>
    Effect.sync(() => {
      if (Exit.isSuccess(exit)) {
        return assert.fail(`${what}: expected a StorageError (${reason}) but it succeeded`)
      }
      const found = Cause.findError(exit.cause)
      const error = Result.isSuccess(found) ? found.success : undefined
      if (!(error instanceof StorageError)) {
        return assert.fail(`${what}: expected a StorageError (${reason}), got ${String(exit.cause)}`)
      }
      assert.strictEqual(error.reason, reason, `${what}: ${error.message}`)
      assert.isTrue(error.message.length > 0, `${what}: the error has no message`)
      return error
    }))

/**
 * All bytes of a stream in one buffer.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const collectBytes = <E>(stream: Stream.Stream<Uint8Array, E>): Effect.Effect<Uint8Array, E> =>
  Effect.map(Stream.runCollect(stream), concatBytes)

/**
 * Keys of a listing, with a "/" suffix on directories, in the order listed.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const listKeys = (provider: StorageProviderShape, options: ListOptions) =>
  Effect.map(
    Stream.runCollect(provider.list(options)),
    (entries) => entries.map((e) => (e.type === "directory" ? `${e.key}/` : e.key))
  )

/**
 * A running FNV-1a hash: order-sensitive and independent of chunk boundaries.
 *
 * @since 0.1.0
 * @category large objects
 */
export const fnv1a = (hash: number, chunk: Uint8Array): number => {
  let h = hash
  for (let i = 0; i < chunk.length; i++) h = Math.imul(h ^ chunk[i]!, 0x01000193)
  return h >>> 0
}

/**
 * The FNV-1a offset basis.
 *
 * @since 0.1.0
 * @category large objects
 */
export const FNV_START = 0x811c9dc5

const PATTERN_CHUNK = 64 * 1024

/**
 * Chunk `index` of the large test object: a pattern that differs per chunk,
 * so lost, repeated or reordered chunks change the checksum.
 *
 * @since 0.1.0
 * @category large objects
 */
export const patternChunk = (index: number, size: number): Uint8Array => {
  const chunk = new Uint8Array(size)
  const seed = Math.imul(index + 1, 0x9e3779b1)
  const words = new Uint32Array(chunk.buffer, 0, size >>> 2)
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(seed ^ i, 0x85ebca6b)
  for (let i = words.length << 2; i < size; i++) chunk[i] = (seed + i) & 0xff
  return chunk
}

/**
 * `size` bytes generated chunk by chunk as they are pulled; `onChunk` sees
 * each chunk (to checksum it and probe memory) before it is emitted.
 *
 * @since 0.1.0
 * @category large objects
 */
export const patternStream = (size: number, onChunk: (chunk: Uint8Array) => void): Stream.Stream<Uint8Array> =>
  Stream.fromIterable(function*() {
    for (let index = 0, at = 0; at < size; index++, at += PATTERN_CHUNK) {
      const chunk = patternChunk(index, Math.min(PATTERN_CHUNK, size - at))
      onChunk(chunk)
      yield chunk
    }
  }(), { chunkSize: 1 })

// Exposing gc after start-up works for contexts created afterwards.
const findGc = (): (() => void) | undefined => {
  const exposed = (globalThis as { gc?: unknown }).gc
  if (typeof exposed === "function") return exposed as () => void
  try {
    v8.setFlagsFromString("--expose-gc")
    const gc: unknown = vm.runInNewContext("gc")
    return typeof gc === "function" ? (gc as () => void) : undefined
  } catch {
    return undefined
  }
}

/**
 * Peak growth of live memory (`heapUsed + arrayBuffers`) over a baseline.
 * With a garbage collector at hand (almost always: it is exposed on demand)
 * every sample follows a full collection, so only memory still referenced is
 * counted, which makes the measure independent of GC timing. Without one the
 * raw peak is kept and `exact` is false.
 *
 * @since 0.1.0
 * @category large objects
 */
export interface MemoryProbe {
  readonly exact: boolean
  /** Samples now if at least `every` bytes went by since the last sample. */
  readonly progress: (bytes: number) => void
  readonly peakGrowth: () => number
}

/**
 * @since 0.1.0
 * @category large objects
 */
export const makeMemoryProbe = (every: number): MemoryProbe => {
  const gc = findGc()
  const live = (): number => {
    gc?.()
    const usage = process.memoryUsage()
    return usage.heapUsed + usage.arrayBuffers
  }
  const baseline = live()
  let peak = baseline
  let sinceSample = 0
  return {
    exact: gc !== undefined,
    progress: (bytes) => {
      sinceSample += bytes
      if (gc !== undefined && sinceSample < every) return
      sinceSample = 0
      peak = Math.max(peak, live())
    },
    peakGrowth: () => peak - baseline
  }
}
