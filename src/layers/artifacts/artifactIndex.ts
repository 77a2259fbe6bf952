/**
 * The lookup index of one artifact root: every artifact directory's
 * `_meta_.json` and the hash of its spec, so a lookup by spec is a map
 * access. A refresh lists the root and re-reads only the metadata files
 * whose size, time or etag changed. On local disk, a refresh first compares
 * the modification times of the root and of the plain directories holding
 * artifacts with the last refresh (Artisan's file index does the same, with
 * the same 1 s padding for coarse clocks) and skips the listing when none
 * changed: a new artifact directory always changes its parent's time.
 *
 * The search stops at artifact directories, as Artisan's: a directory with
 * a `_meta_.json` (valid or not) is never searched into, and one whose
 * metadata is invalid is not an artifact.
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import * as fsp from "node:fs/promises"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import { META_FILE, parseMeta } from "./meta.ts"
import type { ArtifactMeta } from "./meta.ts"
import { specHash } from "./specs.ts"
import { fromStorage, joinPath, localPathOf, readOptional } from "./store.ts"
import type { ArtifactError } from "../../services/Artifacts.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface IndexedArtifact {
  /** Relative to the root. */
  readonly path: string
  readonly meta: ArtifactMeta
  readonly hash: string
}

interface Known {
  readonly stamp: string
  readonly artifact: IndexedArtifact | undefined
}

const MTIME_PADDING_MS = 1000
const META_SUFFIX = `/${META_FILE}`

/**
 * @since 0.1.0
 * @category models
 */
export interface ArtifactIndex {
  /** Indexed artifacts whose spec hashes to `hash`, after a refresh. */
  readonly candidates: (hash: string) => Effect.Effect<ReadonlyArray<IndexedArtifact>, ArtifactError>
  /** Every artifact, after a refresh. */
  readonly all: Effect.Effect<ReadonlyArray<IndexedArtifact>, ArtifactError>
  /** Forgets what a path held (after this process changed it). */
  readonly invalidate: (path: string) => void
}

/**
 * An index over `root`, refreshed on each question.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeIndex = (client: StorageClientShape, root: string): ArtifactIndex => {
  const known = new Map<string, Known>()
  const byHash = new Map<string, Set<string>>()
  let directoryStamp: string | undefined

  const forget = (path: string) => {
    const previous = known.get(path)?.artifact
    if (previous !== undefined) byHash.get(previous.hash)?.delete(path)
    known.delete(path)
  }

  const remember = (path: string, stamp: string, meta: ArtifactMeta | undefined) => {
    forget(path)
    const artifact = meta === undefined ? undefined : { path, meta, hash: specHash(meta.spec) }
    known.set(path, { stamp, artifact })
    if (artifact !== undefined) {
      const set = byHash.get(artifact.hash) ?? new Set()
      set.add(path)
      byHash.set(artifact.hash, set)
    }
  }

  /** The mtimes of the root and the plain directories holding artifacts, or undefined when not local or too fresh. */
  const localStamp = Effect.gen(function*() {
    const local = yield* localPathOf(client, root)
    if (local === undefined) return undefined
    const parents = new Set([""])
    for (const path of known.keys()) {
      const slash = path.lastIndexOf("/")
      if (slash > 0) parents.add(path.slice(0, slash))
    }
    const times = yield* Effect.promise(() =>
      Promise.all([...parents].toSorted().map((dir) => fsp.stat(joinPath(local, dir)).then((s) => s.mtimeMs, () => -1)))
    )
    return times.some((time) => Date.now() - time < MTIME_PADDING_MS) ? undefined : times.join(",")
  })

  const rootKey = Effect.map(Effect.mapError(client.resolve(root), fromStorage), (resolved) => resolved.key.replace(/\/+$/, ""))

  const refresh = Effect.gen(function*() {
    const stamp = yield* localStamp
    if (stamp !== undefined && stamp === directoryStamp) return
    const base = yield* rootKey
    const metas = new Map<string, string>()
    yield* client.list(root).pipe(
      Stream.runForEach((entry) =>
        Effect.sync(() => {
          const relative = base === "" ? entry.key : entry.key.slice(base.length + 1)
          if (!relative.endsWith(META_SUFFIX)) return
          metas.set(relative.slice(0, -META_SUFFIX.length), `${entry.contentLength}:${entry.lastModified.getTime()}:${entry.etag ?? ""}`)
        })
      ),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.void),
      Effect.mapError(fromStorage)
    )
    // Artisan's search does not descend into a directory that has a meta file.
    const inside = (path: string) => {
      for (let slash = path.indexOf("/"); slash > 0; slash = path.indexOf("/", slash + 1)) {
        if (metas.has(path.slice(0, slash))) return true
      }
      return false
    }
    for (const path of known.keys()) if (!metas.has(path) || inside(path)) forget(path)
    const stale = [...metas].filter(([path, fileStamp]) => !inside(path) && known.get(path)?.stamp !== fileStamp)
    yield* Effect.forEach(stale, ([path, fileStamp]) =>
      Effect.map(readOptional(client, joinPath(root, joinPath(path, META_FILE))), (bytes) =>
        remember(path, fileStamp, bytes === undefined ? undefined : parseMeta(new TextDecoder().decode(bytes)))), {
      concurrency: 16,
      discard: true
    })
    directoryStamp = (yield* localStamp) ?? undefined
  })

  const artifactsOf = (paths: Iterable<string>) =>
    [...paths].flatMap((path) => {
      const artifact = known.get(path)?.artifact
      return artifact === undefined ? [] : [artifact]
    })

  return {
    candidates: (hash) => Effect.map(refresh, () => artifactsOf(byHash.get(hash) ?? [])),
    all: Effect.map(refresh, () => artifactsOf(known.keys())),
    invalidate: (path) => {
      forget(path)
      directoryStamp = undefined
    }
  }
}
