/**
 * The `Artifacts` service over `StorageClient`: find-or-build by spec,
 * recover by path. A build takes the spec's build lock (`buildLock.ts`), so a
 * second build of the same spec, in this process or another, waits for the
 * first and returns its artifact; a build whose builder died (its lock went
 * stale or was released without a Success) is marked failed and never
 * matched, and the next build makes a new directory.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Layer } from "effect"
import { ArtifactBuilder } from "../../services/ArtifactBuilder.ts"
import { ArtifactError, Artifacts } from "../../services/Artifacts.ts"
import type { AccessMode, AnyArtifactType, Artifact, ArtifactsShape } from "../../services/Artifacts.ts"
import { ObjectMapper } from "../../services/ObjectMapper.ts"
import { StorageClient } from "../../services/StorageClient.ts"
import { makeIndex } from "./artifactIndex.ts"
import type { IndexedArtifact } from "./artifactIndex.ts"
import { makeArtifact } from "./artifactHandle.ts"
import { openRefs } from "./artifactRefs.ts"
import { makeBuildLocks } from "./buildLock.ts"
import { artifactDirIndex, artifactDirName, hasFailed, hasSucceeded } from "./meta.ts"
import type { ArtifactMeta } from "./meta.ts"
import { makeMetaStore } from "./metaStore.ts"
import { encodeSpec, specHash, typeOfSpec } from "./specs.ts"
import type { EncodedSpec } from "./specs.ts"
import { backoff, checkRelative, joinPath } from "./store.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ArtifactsOptions {
  /** Any StorageClient URL (a local path, `file://`, `msc://profile/path`). */
  readonly root: string
  /** The artifact types specs may name. */
  readonly types: ReadonlyArray<AnyArtifactType>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: ArtifactsOptions) =>
  Effect.gen(function*() {
    const client = yield* StorageClient
    const mapper = yield* ObjectMapper
    const builder = yield* ArtifactBuilder
    const root = options.root.replace(/\/+$/, "")
    const scope = new Map(options.types.map((type) => [type.name, type] as const))
    const index = makeIndex(client, root)
    const locks = makeBuildLocks(client, root)
    const metas = makeMetaStore(client, mapper, root)
    const nextIndex = new Map<string, number>()

    const open = (path: string, mode: AccessMode, meta: ArtifactMeta | undefined, type: AnyArtifactType | undefined, spec: unknown): Artifact =>
      makeArtifact({
        client,
        url: joinPath(root, path),
        path,
        mode,
        spec,
        meta,
        fields: type?.fields ?? {},
        awaitEntry: (fileUrl) => awaitEntry(path, fileUrl)
      })

    /** read-async: the entry exists, or the build has ended (then a missing entry is reported by the read). */
    const awaitEntry = (path: string, fileUrl: string): Effect.Effect<void, ArtifactError> =>
      Effect.gen(function*() {
        for (let attempt = 0;; attempt++) {
          if (yield* Effect.orElseSucceed(client.isFile(fileUrl), () => false)) return
          const meta = yield* metas.read(path)
          if (meta === undefined || hasFailed(meta) || hasSucceeded(meta) || (yield* abandoned(meta))) return
          yield* backoff(attempt)
        }
      })

    /** A build that started and whose builder is gone (no live lock for its spec). */
    const abandoned = (meta: ArtifactMeta) =>
      Effect.map(locks.state(specHash(meta.spec)), ({ state }) => state !== "held")

    /** read-sync: waits until the build ends; a failed or abandoned build is an error. */
    const awaitBuilt = Effect.fn("Artifacts.awaitBuilt")(function*(path: string) {
      for (let attempt = 0;; attempt++) {
        const meta = yield* metas.read(path)
        if (meta === undefined) return yield* new ArtifactError({ reason: "NotFound", message: `${path} has no ${"_meta_.json"}.`, path })
        if (hasSucceeded(meta)) return meta
        const failure = meta.events.find((event) => event.type === "Failure")
        if (failure !== undefined) {
          return yield* new ArtifactError({ reason: "BuildFailed", message: `The build of ${path} failed: ${failure.message ?? "no reason given"}.`, path })
        }
        if (attempt > 0 && (yield* abandoned(meta))) {
          return yield* new ArtifactError({ reason: "BuildFailed", message: `The build of ${path} was interrupted before it finished.`, path })
        }
        yield* backoff(attempt)
      }
    })

    /** Matching artifacts of a spec, their metadata re-read (the index may lag a build in progress). */
    const matches = (spec: EncodedSpec) =>
      Effect.gen(function*() {
        // A `_path_` spec has one candidate: its directory.
        const candidates = spec.path === undefined ? yield* index.candidates(spec.hash) : [{ path: spec.path }]
        const fresh = yield* Effect.forEach(candidates, (candidate: Pick<IndexedArtifact, "path">) =>
          Effect.map(metas.read(candidate.path), (meta) => ({ path: candidate.path, meta })))
        return fresh.filter((entry): entry is { path: string; meta: ArtifactMeta } =>
          entry.meta !== undefined && !hasFailed(entry.meta) && metas.sameSpec(entry.meta, spec.encoded))
      })

    const finished = (spec: EncodedSpec) => Effect.map(matches(spec), (found) => found.find((entry) => hasSucceeded(entry.meta)))

    /** Creates the next free `<Type>_<hex>` directory with a Start event. */
    const createDirectory = Effect.fn("Artifacts.createDirectory")(function*(type: AnyArtifactType, spec: EncodedSpec) {
      if (spec.path !== undefined) {
        if (yield* metas.create(spec.path, spec.encoded)) return spec.path
        return yield* new ArtifactError({
          reason: "Incompatible",
          message: `Incompatible files exist at ${spec.path}: it is not an empty directory or a finished ${type.name} with this spec.`,
          path: spec.path
        })
      }
      if (!nextIndex.has(type.name)) {
        const last = (yield* index.all).reduce((max, artifact) => Math.max(max, artifactDirIndex(type.name, artifact.path) ?? -1), -1)
        nextIndex.set(type.name, last + 1)
      }
      for (let i = nextIndex.get(type.name)!;; i++) {
        const path = artifactDirName(type.name, i)
        nextIndex.set(type.name, i + 1)
        if (yield* metas.create(path, spec.encoded)) return path
      }
    })

    /** Runs under the spec's lock: a finished match (built while we waited) is returned, else the type is built. */
    const buildLocked = Effect.fn("Artifacts.runBuild")(function*(type: AnyArtifactType, spec: EncodedSpec) {
      const found = yield* matches(spec)
      const done = found.find((entry) => hasSucceeded(entry.meta))
      if (done !== undefined) return done
      // Any unfinished match was left by a dead builder: we hold its lock.
      for (const stale of found) yield* metas.finish(stale.path, stale.meta, "The build was interrupted before it finished.")
      // Before the directory is claimed: a ref to a failed build fails this one without leaving a directory.
      const decoded = yield* openRefs(spec.decoded, openRef)
      const path = yield* createDirectory(type, spec)
      index.invalidate(path)
      const artifact = open(path, "write", undefined, type, decoded)
      const outcome = yield* Effect.exit(builder.run({ type, spec: decoded, artifact }))
      const started = yield* metas.read(path)
      const meta = started ?? { spec: spec.encoded, events: [] }
      if (outcome._tag === "Failure") {
        const message = describeFailure(outcome.cause)
        yield* metas.finish(path, meta, message)
        return yield* new ArtifactError({ reason: "BuildFailed", message: `The build of ${path} failed: ${message}`, path })
      }
      return yield* metas.finish(path, meta)
    })

    const build = Effect.fn("Artifacts.build")(function*(type: AnyArtifactType, input: unknown) {
      const spec = yield* encodeSpec(mapper, type, input)
      for (let attempt = 0;; attempt++) {
        const done = yield* finished(spec)
        if (done !== undefined) return open(done.path, "read-sync", done.meta, type, spec.decoded)
        if (yield* locks.acquire(spec.hash)) {
          const built = yield* locks.holding(spec.hash, buildLocked(type, spec))
          return open(built.path, "read-sync", built.meta, type, spec.decoded)
        }
        const lock = yield* locks.state(spec.hash)
        if (lock.state === "stale") yield* locks.breakStale(spec.hash, lock.etag)
        else yield* backoff(attempt)
      }
    })

    const find = Effect.fn("Artifacts.find")(function*(type: AnyArtifactType, input: unknown) {
      const spec = yield* encodeSpec(mapper, type, input)
      const done = yield* finished(spec)
      return done === undefined ? undefined : open(done.path, "read-sync", done.meta, type, spec.decoded)
    })

    const recover = Effect.fn("Artifacts.recover")(function*(rawPath: string, mode: AccessMode = "read-sync", wanted?: AnyArtifactType) {
      const path = yield* checkRelative(rawPath)
      const found = yield* metas.readChecked(path)
      const meta = found !== undefined && mode === "read-sync" ? yield* awaitBuilt(path) : found
      if (meta === undefined) {
        if (wanted !== undefined) return yield* new ArtifactError({ reason: "NotAnArtifact", message: `${path} has no _meta_.json, so it is not a ${wanted.name}.`, path })
        if (yield* metas.isEmpty(path)) return yield* new ArtifactError({ reason: "NotFound", message: `${path} does not exist under ${root}.`, path })
        return open(path, mode, undefined, undefined, undefined)
      }
      const named = meta.spec["type"]
      if (wanted !== undefined && named !== wanted.name) {
        return yield* new ArtifactError({ reason: "Incompatible", message: `${path} holds a ${String(named)}, not a ${wanted.name}.`, path })
      }
      const type = wanted ?? scope.get(String(named))
      const decoded = type === undefined ? meta.spec : (yield* encodeSpec(mapper, type, meta.spec)).decoded
      return open(path, mode, meta, type, decoded)
    })

    /** A spec's `@/` ref: the directory opened read-sync, or undefined when there is nothing there. */
    const openRef = (path: string): Effect.Effect<Artifact | undefined, ArtifactError> =>
      recover(path, "read-sync").pipe(Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(undefined)))

    const buildEncoded = Effect.fn("Artifacts.buildEncoded")(function*(input: unknown) {
      return yield* build(yield* typeOfSpec(scope, input), input)
    })

    return Artifacts.of({
      root,
      scope,
      build: build as ArtifactsShape["build"],
      buildEncoded: buildEncoded as ArtifactsShape["buildEncoded"],
      find: find as ArtifactsShape["find"],
      recover
    })
  })

/** The failure's own sentence, never a stack trace (it is stored in `_meta_.json` and may be served). */
const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
  return message.split("\n")[0] ?? message
}

/**
 * The service over an `ArtifactBuilder`, `StorageClient` and `ObjectMapper`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: ArtifactsOptions) => Layer.effect(Artifacts, make(options))

/**
 * The default builder: runs each build function in this process.
 *
 * @since 0.1.0
 * @category layers
 */
export const builderInProcess = Layer.succeed(ArtifactBuilder, ArtifactBuilder.of({
  run: (job) => job.type.build(job.spec, job.artifact)
}))
