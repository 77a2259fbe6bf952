/**
 * The POSIX provider's copy worker threads: when many copies are in flight
 * (a sync), each goes to a worker thread (`posixCopyWorker.ts`) that runs
 * open, check, copy and rename with synchronous system calls. The main
 * thread then spends a share of two messages per file instead of five
 * thread-pool round trips and their promises, and the copies run on other
 * cores.
 *
 * - Copies asked for in one turn of the event loop leave as batches of at
 *   most `BATCH` per thread (a directory is opened and checked once per
 *   batch), each answered with one message: per-file answers measured
 *   ~5-10 % more CPU and wall time in a sync of 1,000 files, and batches stay
 *   small enough that the caller soon has results to act on.
 * - The threads start on first use (a few milliseconds each), hold the
 *   process open only while they have work (`ref`/`unref`), and `close`
 *   waits for the copies in flight before it stops them: a thread stopped
 *   half-way would leave a temporary file behind.
 * - A thread that fails (it cannot load, or it crashes) fails its copies
 *   with a plain `Error` and turns the pool off (`wanted` is false from
 *   then on): the provider runs those copies again, and all later ones,
 *   over promises. A copy is safe to run again: it publishes by rename.
 *
 * @since 0.1.0
 */
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import type { CopyBatch, CopyJob, CopyResult } from "./posixCopyProtocol.ts"

// Sources run as .ts (Node strips the types), the build as .js.
const WORKER = new URL(import.meta.url.endsWith(".ts") ? "./posixCopyWorker.ts" : "./posixCopyWorker.js", import.meta.url)

/** Threads per pool: the copies are kernel work, one thread per core, at least two. */
const THREADS = Math.max(2, Math.min(4, availableParallelism()))

/** Most copies in one message to a thread. */
const BATCH = 16

/** Copies in flight at once from which the threads are worth starting; a lone copy stays on the thread pool of libuv. */
const BULK = 2

/**
 * @since 0.1.0
 * @category models
 */
export interface CopyPool {
  /** Whether a copy should go to the threads, with `inFlight` copies (this one included) running. */
  readonly wanted: (inFlight: number) => boolean
  /** Runs one copy in a thread. */
  readonly copy: (realBase: string, job: Omit<CopyJob, "id">) => Promise<CopyResult>
  /** Waits for the copies in flight, then stops the threads; later copies are not wanted. */
  readonly close: () => Promise<void>
}

interface Waiter {
  readonly resolve: (result: CopyResult) => void
  readonly reject: (error: Error) => void
}

interface Thread {
  readonly worker: Worker
  readonly waiting: Map<number, Waiter>
}

/**
 * A pool of `threads` copy threads running `worker`, started on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCopyPool = (threads: number = THREADS, worker: URL = WORKER): CopyPool => {
  const running: Array<Thread> = []
  let queued: Array<CopyJob> = []
  let queuedBase = ""
  const waiters = new Map<number, Waiter>()
  let nextId = 0
  let closed = false
  let broken = false
  let drained: (() => void) | undefined

  /** Ends the wait for job `id` of `thread` with `finish`; lets the process exit once the thread has nothing to do. */
  const settle = (thread: Thread, id: number, finish: (waiter: Waiter) => void): void => {
    const waiter = thread.waiting.get(id)
    if (waiter === undefined) return
    thread.waiting.delete(id)
    if (thread.waiting.size === 0) thread.worker.unref()
    finish(waiter)
    if (drained !== undefined && running.every((t) => t.waiting.size === 0) && queued.length === 0) drained()
  }

  const start = (): Thread => {
    const thread: Thread = { worker: new Worker(worker), waiting: new Map() }
    thread.worker.unref()
    const fail = (error: Error) => {
      if (!closed) broken = true
      const at = running.indexOf(thread)
      if (at >= 0) running.splice(at, 1)
      for (const id of thread.waiting.keys()) {
        settle(thread, id, (waiter) => waiter.reject(new Error(`A copy thread of the posix provider stopped: ${error.message}`)))
      }
    }
    thread.worker.on("message", (results: ReadonlyArray<CopyResult>) => {
      for (const result of results) settle(thread, result.id, (waiter) => waiter.resolve(result))
    })
    thread.worker.on("error", fail)
    thread.worker.on("exit", (code) => fail(new Error(`it exited with code ${code}`)))
    return thread
  }

  /** Sends the queued jobs, spread over the threads by how much each has to do. */
  const flush = (): void => {
    if (queued.length === 0) return
    const jobs = queued
    const realBase = queuedBase
    queued = []
    while (running.length < threads) running.push(start())
    const batches = new Map<Thread, Array<CopyJob>>()
    for (const job of jobs) {
      let least = running[0]!
      for (const thread of running) if (thread.waiting.size < least.waiting.size) least = thread
      const waiter = waiters.get(job.id)!
      waiters.delete(job.id)
      if (least.waiting.size === 0) least.worker.ref()
      least.waiting.set(job.id, waiter)
      const batch = batches.get(least)
      if (batch === undefined) batches.set(least, [job])
      else batch.push(job)
    }
    for (const [thread, assigned] of batches) {
      for (let at = 0; at < assigned.length; at += BATCH) {
        const batch: CopyBatch = { realBase, jobs: assigned.slice(at, at + BATCH) }
        // A worker_threads port, not a window: there is no target origin to give.
        // oxlint-disable-next-line unicorn/require-post-message-target-origin
        thread.worker.postMessage(batch)
      }
    }
  }

  const copy = (realBase: string, job: Omit<CopyJob, "id">): Promise<CopyResult> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error("The posix provider was shut down."))
      if (queued.length > 0 && realBase !== queuedBase) flush()
      if (queued.length === 0) queueMicrotask(flush)
      const id = nextId++
      waiters.set(id, { resolve, reject })
      queued.push({ ...job, id })
      queuedBase = realBase
    })

  const close = async (): Promise<void> => {
    closed = true
    while (queued.length > 0 || running.some((thread) => thread.waiting.size > 0)) {
      await new Promise<void>((resolve) => (drained = resolve))
    }
    drained = undefined
    await Promise.all(running.splice(0).map((thread) => thread.worker.terminate()))
  }

  return {
    wanted: (inFlight) => !closed && !broken && (running.length > 0 || inFlight >= BULK),
    copy,
    close
  }
}
