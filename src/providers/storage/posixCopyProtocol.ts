/**
 * The messages between the POSIX provider and its copy worker threads
 * (`posixCopyPool.ts` ↔ `posixCopyWorker.ts`). Types only: the worker
 * imports nothing heavier than `node:fs`.
 *
 * @since 0.1.0
 */

/**
 * One file to copy. Paths are absolute; the temporary file and the target
 * are names inside `dir`, reached through the directory's descriptor.
 *
 * @since 0.1.0
 * @category models
 */
export interface CopyJob {
  readonly id: number
  readonly source: string
  readonly dir: string
  readonly temp: string
  readonly name: string
}

/**
 * Jobs run one after the other with the same real base; a directory is
 * opened and checked once per batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface CopyBatch {
  readonly realBase: string
  readonly jobs: ReadonlyArray<CopyJob>
}

/**
 * The `stat` fields object metadata is made of (etag, size, time).
 *
 * @since 0.1.0
 * @category models
 */
export interface FileStamp {
  readonly ino: bigint
  readonly size: bigint
  readonly mtimeNs: bigint
  readonly mtimeMs: bigint
}

/**
 * Why a copy failed, by the step that failed:
 * - `source`: opening or checking the source (errno `code`);
 * - `sourceEscapes` / `targetEscapes`: the source file or the target's
 *   directory really lies outside the base;
 * - `sourceNotFile`: the source is a directory, device ...;
 * - `dirMissing`: the target's directory does not exist (or was removed
 *   meanwhile): the provider creates it and sends the job again;
 * - `tempExists`: the temporary name is taken: sent again with another;
 * - `target`: the copy into the temporary file (errno `code`);
 * - `publish`: the rename over the target (errno `code`).
 *
 * @since 0.1.0
 * @category models
 */
export type CopyFailure =
  | "source"
  | "sourceEscapes"
  | "sourceNotFile"
  | "dirMissing"
  | "targetEscapes"
  | "tempExists"
  | "target"
  | "publish"

/**
 * What became of one job (a batch is answered with an array of these, in
 * its order).
 *
 * @since 0.1.0
 * @category models
 */
export type CopyResult =
  | { readonly id: number; readonly outcome: "copied"; readonly stamp: FileStamp }
  | {
    readonly id: number
    readonly outcome: CopyFailure
    readonly code?: string | undefined
    readonly message?: string | undefined
  }
