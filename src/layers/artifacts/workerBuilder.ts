/**
 * A parallel `ArtifactBuilder` for CPU-heavy builds: each build runs in its
 * own worker thread, at most `concurrency` at a time. The worker imports
 * `module` (which must export `types`, the same artifact types) and writes
 * the fields through its own `StorageClient` over `config`, so the root must
 * be on local disk or on a profile of that config: memory profiles live in
 * one thread and cannot be shared. A fresh thread per build keeps a crashed
 * build from affecting the next one (starting a thread costs a few tens of
 * milliseconds: use this builder for builds that take longer than that).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema, Semaphore } from "effect"
import { Worker } from "node:worker_threads"
import { ArtifactBuilder } from "../../services/ArtifactBuilder.ts"
import type { BuildJob } from "../../services/ArtifactBuilder.ts"
import type { StorageConfig } from "../../services/StorageConfig.ts"

const WORKER = new URL("./builderWorkerMain.ts", import.meta.url)

/**
 * @since 0.1.0
 * @category models
 */
export interface WorkerBuilderOptions {
  /** URL (`file://...`) of a module exporting `types`. */
  readonly module: string
  /** At most this many builds at once (default: 2). */
  readonly concurrency?: number | undefined
  /** The storage config the workers use (default: local disk only). It is copied to each worker. */
  readonly config?: StorageConfig | undefined
}

const inWorker = (options: WorkerBuilderOptions, job: BuildJob) =>
  Effect.callback<void, Error>((resume) => {
    const worker = new Worker(WORKER, {
      workerData: {
        module: options.module,
        typeName: job.type.name,
        spec: Schema.encodeUnknownSync(job.type.spec)(job.spec),
        url: job.artifact.url,
        path: job.artifact.path,
        config: options.config ?? { profiles: {}, pathMapping: [] }
      }
    })
    let answered = false
    worker.once("message", (reply: { ok: boolean; message?: string }) => {
      answered = true
      resume(reply.ok ? Effect.void : Effect.fail(new Error(reply.message ?? "the build failed")))
    })
    worker.once("error", (error) => resume(Effect.fail(new Error(`the build's worker thread failed: ${error.message}`))))
    worker.once("exit", (code) => {
      if (!answered) resume(Effect.fail(new Error(`the build's worker thread exited with code ${code} before finishing`)))
    })
    return Effect.promise(() => worker.terminate())
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: WorkerBuilderOptions): Layer.Layer<ArtifactBuilder> =>
  Layer.effect(
    ArtifactBuilder,
    Effect.map(Semaphore.make(options.concurrency ?? 2), (permits) =>
      ArtifactBuilder.of({ run: (job) => Semaphore.withPermits(permits, 1)(inWorker(options, job)) }))
  )
