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
 *   small enough that the caller soon has results to act on. A batch is one
 *   string and its answer a typed array (`posixCopyProtocol.ts`); a thread
 *   answers its batches in the order they were sent, so no job carries an id.
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
import { decodeReply, encodeBatch } from "./posixCopyProtocol.ts"
import type { CopyJob, CopyReply, CopyResult } from "./posixCopyProtocol.ts"

// Sources run as .ts (Node strips the types), the build as .js.
const WORKER = new URL(import.meta.url.endsWith(".ts") ? "./posixCopyWorker.ts" : "./posixCopyWorker.js", import.meta.url)

/** Threads per pool: the copies are kernel work, one thread per core, at least two. */
const THREADS = Math.max(2, Math.min(4, availableParallelism()))

/** Most copies in one message to a thread. */
const BATCH = 16

/** Copies in flight at once from which the threads are worth starting; a lone copy stays on the thread pool of libuv. */
const BULK = 2

/**
 * Copies a caller should keep in flight so that a thread finds its next
 * batch waiting when it answers one: with 16, the threads waited for the
 * main thread between batches, and a sync of 1,008 files took 15-35 % longer
 * (bench/README.md, storage-sync, runs N-Q).
 */
const QUEUED = 256

/**
 * @since 0.1.0
 * @category models
 */
export interface CopyPool {
  /** Copies that run at once: one per thread. */
  readonly threads: number
  /** Copies worth having in flight (see `QUEUED`). */
  readonly queued: number
  /** Whether a copy should go to the threads, with `inFlight` copies (this one included) running. */
  readonly wanted: (inFlight: number) => boolean
  /** Runs one copy in a thread. */
  readonly copy: (realBase: string, job: CopyJob) => Promise<CopyResult>
  /** Waits for the copies in flight, then stops the threads; later copies are not wanted. */
  readonly close: () => Promise<void>
}

interface Waiter {
  readonly resolve: (result: CopyResult) => void
  readonly reject: (error: Error) => void
}

interface Thread {
  readonly worker: Worker
  /** The waiters of each batch sent and not yet answered, oldest first. */
  readonly batches: Array<ReadonlyArray<Waiter>>
  /** Copies sent and not yet answered. */
  load: number
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
  let queuedWaiters: Array<Waiter> = []
  let queuedBase = ""
  let closed = false
  let broken = false
  let drained: (() => void) | undefined

  const idle = (): boolean => queued.length === 0 && running.every((thread) => thread.load === 0)

  /** Ends the wait for the oldest batch of `thread` with `finish`; lets the process exit once the thread has nothing to do. */
  const settle = (thread: Thread, finish: (waiters: ReadonlyArray<Waiter>) => void): void => {
    const waiters = thread.batches.shift()
    if (waiters === undefined) return
    thread.load -= waiters.length
    if (thread.load === 0) thread.worker.unref()
    finish(waiters)
    if (drained !== undefined && idle()) drained()
  }

  const start = (): Thread => {
    const thread: Thread = { worker: new Worker(worker), batches: [], load: 0 }
    thread.worker.unref()
    const fail = (error: Error) => {
      if (!closed) broken = true
      const at = running.indexOf(thread)
      if (at >= 0) running.splice(at, 1)
      const stopped = new Error(`A copy thread of the posix provider stopped: ${error.message}`)
      while (thread.batches.length > 0) settle(thread, (waiters) => waiters.forEach((waiter) => waiter.reject(stopped)))
    }
    thread.worker.on("message", (reply: CopyReply) => {
      const results = decodeReply(reply)
      settle(thread, (waiters) => waiters.forEach((waiter, index) => waiter.resolve(results[index]!)))
    })
    thread.worker.on("error", fail)
    thread.worker.on("exit", (code) => fail(new Error(`it exited with code ${code}`)))
    return thread
  }

  /** Sends a batch to `thread`. */
  const send = (thread: Thread, realBase: string, jobs: ReadonlyArray<CopyJob>, waiters: ReadonlyArray<Waiter>): void => {
    if (thread.load === 0) thread.worker.ref()
    thread.load += jobs.length
    thread.batches.push(waiters)
    // A worker_threads port, not a window: there is no target origin to give.
    // oxlint-disable-next-line unicorn/require-post-message-target-origin
    thread.worker.postMessage(encodeBatch(realBase, jobs))
  }

  /**
   * Sends the queued jobs, each to the thread with the least to do (jobs
   * answered in the same turn mostly go to the thread that answered them:
   * one message per thread and turn, as few as the copies in flight allow).
   */
  const flush = (): void => {
    if (queued.length === 0) return
    const jobs = queued
    const waiters = queuedWaiters
    const realBase = queuedBase
    queued = []
    queuedWaiters = []
    while (running.length < threads) running.push(start())
    const assigned = new Map<Thread, { jobs: Array<CopyJob>; waiters: Array<Waiter> }>()
    const loads = new Map(running.map((thread) => [thread, thread.load]))
    for (const [at, job] of jobs.entries()) {
      let least = running[0]!
      for (const thread of running) if (loads.get(thread)! < loads.get(least)!) least = thread
      loads.set(least, loads.get(least)! + 1)
      const batch = assigned.get(least)
      if (batch === undefined) assigned.set(least, { jobs: [job], waiters: [waiters[at]!] })
      else {
        batch.jobs.push(job)
        batch.waiters.push(waiters[at]!)
      }
    }
    for (const [thread, batch] of assigned) {
      for (let at = 0; at < batch.jobs.length; at += BATCH) {
        send(thread, realBase, batch.jobs.slice(at, at + BATCH), batch.waiters.slice(at, at + BATCH))
      }
    }
  }

  const copy = (realBase: string, job: CopyJob): Promise<CopyResult> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error("The posix provider was shut down."))
      if (queued.length > 0 && realBase !== queuedBase) flush()
      if (queued.length === 0) queueMicrotask(flush)
      queued.push(job)
      queuedWaiters.push({ resolve, reject })
      queuedBase = realBase
    })

  const close = async (): Promise<void> => {
    closed = true
    while (!idle()) await new Promise<void>((resolve) => (drained = resolve))
    drained = undefined
    await Promise.all(running.splice(0).map((thread) => thread.worker.terminate()))
  }

  return {
    threads,
    queued: Math.max(threads, QUEUED),
    wanted: (inFlight) => !closed && !broken && (running.length > 0 || inFlight >= BULK),
    copy,
    close
  }
}
