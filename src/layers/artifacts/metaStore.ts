/**
 * Reading and writing artifacts' `_meta_.json` through `StorageClient`: the
 * Start event is a create-only put (so two builders can never claim one
 * directory), the final event an atomic overwrite. A `_meta_.json` a user
 * asked for by path is decoded through the object mapper, so a bad one is
 * reported with its file name, line and JSON path.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { ArtifactError } from "../../services/Artifacts.ts"
import type { ObjectMapperShape } from "../../services/ObjectMapper.ts"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import { ArtifactMeta, buildEvent, formatMeta, META_FILE, parseMeta, specEquals } from "./meta.ts"
import { createOnly, fromStorage, joinPath, readOptional, writeFile } from "./store.ts"

const utf8 = new TextDecoder()
const encodeText = (text: string) => new TextEncoder().encode(text)

const sameSpec = (meta: ArtifactMeta, spec: unknown) => specEquals(meta.spec, spec)

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeMetaStore = (client: StorageClientShape, mapper: ObjectMapperShape, root: string) => {
  const metaUrl = (path: string) => joinPath(root, joinPath(path, META_FILE))

  /** The metadata, or undefined when missing or invalid (Artisan: then it is not an artifact). */
  const read = (path: string): Effect.Effect<ArtifactMeta | undefined, ArtifactError> =>
    Effect.map(readOptional(client, metaUrl(path)), (bytes) => (bytes === undefined ? undefined : parseMeta(utf8.decode(bytes))))

  /** The metadata, undefined when missing, an error naming the problem when invalid. */
  const readChecked = Effect.fn("Artifacts.readMeta")(function*(path: string) {
    const bytes = yield* readOptional(client, metaUrl(path))
    if (bytes === undefined) return undefined
    const file = joinPath(path, META_FILE)
    return yield* mapper.read(ArtifactMeta, utf8.decode(bytes), { filename: file }).pipe(
      Effect.mapError((error) =>
        new ArtifactError({ reason: "NotAnArtifact", message: `${file} is not valid artifact metadata: ${error.message}`, path, cause: error })
      )
    )
  })

  const isEmpty = (path: string) => Effect.mapError(client.isEmpty(joinPath(root, path)), fromStorage)

  /** Claims an empty directory for a new build; false when it is taken. */
  const create = Effect.fn("Artifacts.claimDirectory")(function*(path: string, spec: Readonly<Record<string, unknown>>) {
    if (!(yield* isEmpty(path))) return false
    const meta: ArtifactMeta = { spec, events: [buildEvent("Start", new Date())] }
    return yield* createOnly(client, metaUrl(path), encodeText(formatMeta(meta)))
  })

  /** Records the end of a build: Success, or Failure with a message. */
  const finish = Effect.fn("Artifacts.finishBuild")(function*(path: string, meta: ArtifactMeta, failure?: string) {
    const event = failure === undefined ? buildEvent("Success", new Date()) : buildEvent("Failure", new Date(), failure)
    const done: ArtifactMeta = { spec: meta.spec, events: [...meta.events, event] }
    yield* writeFile(client, metaUrl(path), encodeText(formatMeta(done)))
    return { path, meta: done }
  })

  return { read, readChecked, create, finish, isEmpty, sameSpec }
}
