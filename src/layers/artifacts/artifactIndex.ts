/**
 * The lookup index of one artifact root: every artifact directory's
 * `_meta_.json` and the hash of its spec, so a lookup by spec is a map
 * access. A refresh lists the root and re-reads only the metadata files
 * whose size, time or etag changed. On local disk it walks the plain
 * (non-artifact) directories instead, and reads a directory's entries again
 * only when its modification time changed or is under 1 s old (Artisan's
 * file index does the same, with the same padding for coarse clocks): a new
 * artifact directory always changes its parent's time. Index entries keep
 * the spec (which never changes); callers re-read the metadata of a
 * candidate to see its current events.
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

  const readMeta = (path: string) =>
    Effect.map(readOptional(client, joinPath(root, joinPath(path, META_FILE))), (bytes) =>
      bytes === undefined ? undefined : parseMeta(new TextDecoder().decode(bytes)))

  const rootKey = Effect.map(Effect.mapError(client.resolve(root), fromStorage), (resolved) => resolved.key.replace(/\/+$/, ""))

  /** Any profile: one recursive listing; only changed metadata files are read again. */
  const refreshByListing = Effect.gen(function*() {
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
    yield* Effect.forEach(stale, ([path, fileStamp]) => Effect.map(readMeta(path), (meta) => remember(path, fileStamp, meta)), {
      concurrency: 16,
      discard: true
    })
  })

  /** Local disk: plain directories are read again only when their time changed (or is too recent to trust). */
  const plainDirectories = new Map<string, { readonly mtime: number; readonly children: ReadonlySet<string> }>()
  const refreshLocal = (local: string) => {
    const visit = (dir: string): Effect.Effect<void, ArtifactError> =>
      Effect.gen(function*() {
        const mtime = yield* Effect.promise(() => fsp.stat(joinPath(local, dir)).then((s) => s.mtimeMs, () => -1))
        const cached = plainDirectories.get(dir)
        let children = cached?.children
        if (cached === undefined || cached.mtime !== mtime || Date.now() - mtime < MTIME_PADDING_MS) {
          const names = yield* Effect.promise(() =>
            fsp.readdir(joinPath(local, dir), { withFileTypes: true }).then((entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name), () => [])
          )
          children = new Set(names.map((name) => joinPath(dir, name)))
          for (const old of cached?.children ?? []) if (!children.has(old)) forgetTree(old)
          plainDirectories.set(dir, { mtime, children })
        }
        // Known artifacts need nothing; only plain or new directories are looked into.
        const unsettled = [...children ?? []].filter((child) => known.get(child)?.artifact === undefined)
        yield* Effect.forEach(unsettled, (child) =>
          Effect.gen(function*() {
            // Checked on every refresh: a plain directory becomes an artifact when a meta file lands in it.
            const meta = yield* readMeta(child)
            const hasMeta = meta !== undefined || (yield* Effect.promise(() => fsp.access(joinPath(local, joinPath(child, META_FILE))).then(() => true, () => false)))
            if (hasMeta) {
              plainDirectories.delete(child)
              return remember(child, "local", meta)
            }
            yield* visit(child)
          }), { concurrency: 16, discard: true })
      })
    return visit("")
  }

  const forgetTree = (path: string) => {
    for (const key of [...known.keys(), ...plainDirectories.keys()]) {
      if (key === path || key.startsWith(`${path}/`)) {
        forget(key)
        plainDirectories.delete(key)
      }
    }
  }

  const refresh = Effect.flatMap(localPathOf(client, root), (local) => (local === undefined ? refreshByListing : refreshLocal(local)))

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
      plainDirectories.delete(path)
    }
  }
}
