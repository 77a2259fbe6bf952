/**
 * The messages between the POSIX provider and its copy worker threads
 * (`posixCopyPool.ts` ↔ `posixCopyWorker.ts`), and their compact encoding.
 * No imports: the worker loads nothing heavier than `node:fs`.
 *
 * A batch travels as one string and is answered, in the order batches were
 * sent, by one `CopyReply` whose stamps are a typed array: structured clone
 * of arrays of objects cost the main thread several times more per file
 * (see bench/README.md, storage-sync).
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
  readonly source: string
  readonly dir: string
  readonly temp: string
  readonly name: string
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
 * - `source`: opening, checking or reading the source (errno `code`);
 * - `sourceEscapes` / `targetEscapes`: the source file or the target's
 *   directory really lies outside the base;
 * - `sourceNotFile`: the source is a directory, device ...;
 * - `dirMissing`: the target's directory does not exist (or was removed
 *   meanwhile): the provider creates it and sends the job again;
 * - `tempExists`: the temporary name is taken: sent again with another;
 * - `target`: creating or writing the temporary file (errno `code`);
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
 * What became of one job.
 *
 * @since 0.1.0
 * @category models
 */
export type CopyResult =
  | { readonly outcome: "copied"; readonly stamp: FileStamp }
  | {
    readonly outcome: CopyFailure
    readonly code?: string | undefined
    readonly message?: string | undefined
  }

/**
 * A failed job of a batch: its index, why, and the errno code and message
 * when a system call failed.
 *
 * @since 0.1.0
 * @category models
 */
export type CopyFailureAt = readonly [
  index: number,
  outcome: CopyFailure,
  code?: string | undefined,
  message?: string | undefined
]

/**
 * The answer to one batch: four numbers per job (inode, size, mtime in ns,
 * mtime in ms, as `FileStamp`), and the jobs that failed, by index.
 *
 * @since 0.1.0
 * @category models
 */
export interface CopyReply {
  readonly stamps: BigUint64Array
  readonly failures?: ReadonlyArray<CopyFailureAt>
}

/** Fields per job in a batch string. */
const FIELDS = 4

/**
 * A batch as one string: the real base, then each job's four paths, all
 * separated by NUL (which no path contains).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeBatch = (realBase: string, jobs: ReadonlyArray<CopyJob>): string => {
  let text = realBase
  for (const job of jobs) text += `\0${job.source}\0${job.dir}\0${job.temp}\0${job.name}`
  return text
}

/**
 * @since 0.1.0
 * @category encoding
 */
export const decodeBatch = (text: string): { readonly realBase: string; readonly jobs: Array<CopyJob> } => {
  const fields = text.split("\0")
  const jobs: Array<CopyJob> = []
  for (let at = 1; at + FIELDS <= fields.length; at += FIELDS) {
    jobs.push({ source: fields[at]!, dir: fields[at + 1]!, temp: fields[at + 2]!, name: fields[at + 3]! })
  }
  return { realBase: fields[0]!, jobs }
}

/**
 * The results of a reply, in the batch's order.
 *
 * @since 0.1.0
 * @category encoding
 */
export const decodeReply = ({ failures, stamps }: CopyReply): Array<CopyResult> => {
  const results: Array<CopyResult> = []
  for (let at = 0; at < stamps.length; at += 4) {
    results.push({
      outcome: "copied",
      stamp: { ino: stamps[at]!, size: stamps[at + 1]!, mtimeNs: stamps[at + 2]!, mtimeMs: stamps[at + 3]! }
    })
  }
  for (const [index, outcome, code, message] of failures ?? []) results[index] = { outcome, code, message }
  return results
}
