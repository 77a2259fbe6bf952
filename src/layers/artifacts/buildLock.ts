/**
 * The build lock of one spec: a create-only file `<root>/.strata-locks/<hash>.lock`
 * (the provider's `ifNoneMatch: "*"` put, so it works on every profile and
 * across processes). The holder rewrites it every `HEARTBEAT_MS`; a lock is
 * stale when its process is gone (same host) or it has not been rewritten
 * for `STALE_MS`. A stale lock is deleted only if it is still the same
 * object (`ifMatch` on its etag), so two waiters cannot both take it over.
 *
 * @since 0.1.0
 */
import { Effect, Fiber, Schedule } from "effect"
import { randomUUID } from "node:crypto"
import { hostname } from "node:os"
import type { ArtifactError } from "../../services/Artifacts.ts"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import { createOnly, fromStorage, joinPath, writeFile } from "./store.ts"

const HEARTBEAT_MS = 2_000
const STALE_MS = 15_000
const LOCK_DIR = ".strata-locks"

interface LockContent {
  readonly host: string
  readonly pid: number
  readonly token: string
}

const encode = (content: LockContent) => new TextEncoder().encode(JSON.stringify(content))

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type LockState = "held" | "free" | "stale"

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeBuildLocks = (client: StorageClientShape, root: string) => {
  const urlOf = (hash: string) => joinPath(root, `${LOCK_DIR}/${hash}.lock`)

  /** Takes the lock; false when someone holds it. */
  const acquire = (hash: string): Effect.Effect<boolean, ArtifactError> =>
    createOnly(client, urlOf(hash), encode({ host: hostname(), pid: process.pid, token: randomUUID() }))

  /** Rewrites the lock while `effect` runs, then deletes it (also on failure and interruption). */
  const holding = <A, E>(hash: string, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.gen(function*() {
      const content = encode({ host: hostname(), pid: process.pid, token: randomUUID() })
      const heartbeat = yield* writeFile(client, urlOf(hash), content).pipe(
        Effect.ignore,
        Effect.repeat(Schedule.spaced(HEARTBEAT_MS)),
        Effect.delay(HEARTBEAT_MS),
        Effect.forkDetach
      )
      return yield* effect.pipe(
        Effect.ensuring(Fiber.interrupt(heartbeat).pipe(Effect.andThen(client.delete(urlOf(hash))), Effect.ignore))
      )
    })

  /** Whether the lock is held by a live builder, free, or left by a dead one. */
  const state = Effect.fn("Artifacts.lockState")(function*(hash: string) {
    const url = urlOf(hash)
    const info = yield* client.info(url).pipe(
      Effect.map((meta) => meta as typeof meta | undefined),
      Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(undefined)),
      Effect.mapError(fromStorage)
    )
    if (info === undefined) return { state: "free" as LockState, etag: undefined }
    const text = yield* client.read(url).pipe(Effect.map((bytes) => new TextDecoder().decode(bytes)), Effect.orElseSucceed(() => ""))
    let content: Partial<LockContent> = {}
    try {
      content = JSON.parse(text) as Partial<LockContent>
    } catch {
      // A torn or foreign lock file counts as stale once it is old.
    }
    const dead = content.host === hostname() && typeof content.pid === "number" && !isAlive(content.pid)
    const old = Date.now() - info.lastModified.getTime() > STALE_MS
    return { state: (dead || old ? "stale" : "held") as LockState, etag: info.etag }
  })

  /** Deletes a stale lock if it is still the one that was judged stale. */
  const breakStale = Effect.fn("Artifacts.breakStaleLock")(function*(hash: string, etag: string | undefined) {
    const url = urlOf(hash)
    const resolved = yield* Effect.mapError(client.resolve(url), fromStorage)
    const provider = yield* Effect.mapError(client.provider(resolved.profile), fromStorage)
    yield* provider.delete(resolved.key, etag === undefined ? undefined : { ifMatch: etag }).pipe(Effect.ignore)
  })

  return { acquire, holding, state, breakStale }
}
