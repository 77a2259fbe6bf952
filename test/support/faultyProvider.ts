/**
 * A provider wrapper for tests of wrappers: counts the calls of every
 * operation and fails the next ones on request (whole calls, or read and
 * list streams part-way through).
 */
import { Effect, Stream } from "effect"
import { storageError } from "../../src/services/StorageProvider.ts"
import type { StorageError, StorageErrorReason, StorageProviderShape } from "../../src/services/StorageProvider.ts"

export type Operation = "head" | "read" | "getBytes" | "put" | "delete" | "copy" | "list"

export interface Faults {
  readonly calls: Record<Operation, number>
  /** Ranges asked of `read`, in call order (`undefined`: the whole object). */
  readonly readRanges: Array<{ readonly offset: number; readonly length?: number | undefined } | undefined>
  /** The next `times` calls of `operation` fail at once with `reason`. */
  readonly failNext: (operation: Operation, times: number, reason?: StorageErrorReason) => void
  /** The next `times` read streams fail with `Unavailable` after `afterBytes` bytes. */
  readonly breakReads: (afterBytes: number, times: number) => void
  /** The next `times` listings fail with `Unavailable` after `afterEntries` entries. */
  readonly breakLists: (afterEntries: number, times: number) => void
}

/** Fails a stream with `Unavailable` once `limit` (measured by `size`) was delivered. */
const cut = <A>(stream: Stream.Stream<A, StorageError>, limit: number | undefined, size: (a: A) => number, key: string) => {
  if (limit === undefined) return stream
  let sent = 0
  return stream.pipe(
    Stream.flatMap((item) => {
      if (sent >= limit) return Stream.fail(storageError("Unavailable", `Injected break of '${key}' after ${sent}.`, { key }))
      sent += size(item)
      return Stream.succeed(item)
    }),
    Stream.concat(Stream.suspend(() =>
      sent >= limit ? Stream.fail(storageError("Unavailable", `Injected break of '${key}' at the end.`, { key })) : Stream.empty
    ))
  )
}

export const faulty = (inner: StorageProviderShape): { readonly provider: StorageProviderShape; readonly faults: Faults } => {
  const calls: Record<Operation, number> = { head: 0, read: 0, getBytes: 0, put: 0, delete: 0, copy: 0, list: 0 }
  const planned = new Map<Operation, Array<StorageErrorReason>>()
  const readBreaks: Array<number> = []
  const listBreaks: Array<number> = []
  const readRanges: Faults["readRanges"] = []

  const injected = (operation: Operation, key: string) => {
    calls[operation]++
    const reason = planned.get(operation)?.shift()
    return reason === undefined
      ? undefined
      : storageError(reason, `Injected ${reason} failure of ${operation} '${key}'.`, { operation, key })
  }
  const guard = <A, E>(operation: Operation, key: string, effect: Effect.Effect<A, E>) =>
    Effect.suspend((): Effect.Effect<A, E | StorageError> => {
      const error = injected(operation, key)
      return error === undefined ? effect : Effect.fail(error)
    })
  const provider: StorageProviderShape = {
    ...inner,
    head: (key) => guard("head", key, inner.head(key)),
    getBytes: (key, options) => guard("getBytes", key, inner.getBytes(key, options)),
    put: (key, body, options) => guard("put", key, inner.put(key, body, options)),
    delete: (key, options) => guard("delete", key, inner.delete(key, options)),
    copy: (source, target) => guard("copy", source, inner.copy(source, target)),
    read: (key, options) =>
      Stream.suspend(() => {
        readRanges.push(options?.range)
        const error = injected("read", key)
        if (error !== undefined) return Stream.fail(error)
        return cut(inner.read(key, options), readBreaks.shift(), (bytes) => bytes.byteLength, key)
      }),
    list: (options) =>
      Stream.suspend(() => {
        const error = injected("list", options?.prefix ?? "")
        if (error !== undefined) return Stream.fail(error)
        return cut(inner.list(options), listBreaks.shift(), () => 1, options?.prefix ?? "")
      })
  }
  const faults: Faults = {
    calls,
    readRanges,
    failNext: (operation, times, reason = "Unavailable") => {
      const queue = planned.get(operation) ?? []
      for (let i = 0; i < times; i++) queue.push(reason)
      planned.set(operation, queue)
    },
    breakReads: (afterBytes, times) => {
      for (let i = 0; i < times; i++) readBreaks.push(afterBytes)
    },
    breakLists: (afterEntries, times) => {
      for (let i = 0; i < times; i++) listBreaks.push(afterEntries)
    }
  }
  return { provider, faults }
}
