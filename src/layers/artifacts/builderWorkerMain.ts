/**
 * The worker-thread side of `workerBuilder.ts`: loads the types module,
 * opens the new artifact directory in write mode through its own
 * `StorageClient` and runs the type's build function, then posts
 * `{ ok: true }` or `{ ok: false, message }`.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit } from "effect"
import { parentPort, workerData } from "node:worker_threads"
import * as ObjectMapperLive from "../ObjectMapperLive.ts"
import { defaultRegistry } from "../ProviderRegistryDefault.ts"
import { makeStorageClient } from "../StorageClientLive.ts"
import { ObjectMapper } from "../../services/ObjectMapper.ts"
import type { AnyArtifactType } from "../../services/Artifacts.ts"
import type { StorageConfig } from "../../services/StorageConfig.ts"
import { makeArtifact } from "./artifactHandle.ts"
import { openRefs } from "./artifactRefs.ts"
import { encodeSpec } from "./specs.ts"
import { fromStorage, joinPath } from "./store.ts"

interface Job {
  readonly module: string
  readonly typeName: string
  readonly spec: Readonly<Record<string, unknown>>
  readonly url: string
  readonly path: string
  readonly config: StorageConfig
}

const job = workerData as Job

const run = Effect.gen(function*() {
  const loaded = (yield* Effect.promise(() => import(job.module))) as { types?: ReadonlyArray<AnyArtifactType> }
  const type = loaded.types?.find((candidate) => candidate.name === job.typeName)
  if (type === undefined) return yield* Effect.fail(new Error(`the module ${job.module} exports no type ${job.typeName}`))
  const client = yield* makeStorageClient({ config: job.config, registry: defaultRegistry })
  const mapper = yield* ObjectMapper
  const spec = yield* encodeSpec(mapper, type, job.spec)
  // The parent already waited for the build of each `@/` ref; here they are opened as plain directories.
  const root = job.url.slice(0, job.url.length - job.path.length - 1)
  const decoded = yield* openRefs(spec.decoded, (path) =>
    Effect.gen(function*() {
      const url = joinPath(root, path)
      if (yield* Effect.mapError(client.isEmpty(url), fromStorage)) return undefined
      return makeArtifact({ client, url, path, mode: "read-sync", spec: undefined, meta: undefined, fields: {}, awaitEntry: () => Effect.void })
    }))
  const artifact = makeArtifact({
    client,
    url: job.url,
    path: job.path,
    mode: "write",
    spec: decoded,
    meta: undefined,
    fields: type.fields,
    awaitEntry: () => Effect.void
  })
  yield* type.build(decoded, artifact)
}).pipe(Effect.scoped, Effect.provide(ObjectMapperLive.layer))

const reply = (exit: Exit.Exit<void, unknown>) => {
  if (Exit.isSuccess(exit)) return { ok: true }
  const error = Cause.squash(exit.cause)
  const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
  return { ok: false, message: message.split("\n")[0] ?? message }
}

// A worker_threads port, not a window: there is no target origin to give.
// oxlint-disable-next-line unicorn/require-post-message-target-origin
parentPort?.postMessage(reply(await Effect.runPromiseExit(run)))
