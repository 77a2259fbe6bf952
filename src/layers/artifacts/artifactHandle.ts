/**
 * An opened artifact directory: typed fields through their codecs, entries
 * through the reader/writer registry (`fields.ts`), appends to list files.
 * On local disk an append writes only the new items and the 9-byte header
 * (`persistentFiles.ts`); on other profiles, which cannot write in place, it
 * is a read-modify-write of the whole file through `StorageClient`, so
 * concurrent appenders there must be serialised by the caller.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { ArtifactError } from "../../services/Artifacts.ts"
import type { AccessMode, Artifact, ArtifactMetaView, FieldCodec, FieldCodecs } from "../../services/Artifacts.ts"
import type { StorageClientShape } from "../../services/StorageClient.ts"
import { cbor, extensionOf, readerFor, writerFor } from "./fields.ts"
import { NdArray } from "./cbor.ts"
import { appendToArray, appendToList, encodeList, readArray, readList } from "./persistentFiles.ts"
import { concatRows } from "./rows.ts"
import { fromStorage, joinPath, listEntries, localPathOf, readOptional, writeFile } from "./store.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface HandleOptions {
  readonly client: StorageClientShape
  readonly url: string
  readonly path: string
  readonly mode: AccessMode
  readonly spec: unknown
  readonly meta: ArtifactMetaView | undefined
  readonly fields: FieldCodecs
  /** In read-async mode: waits until `file` exists or the build has ended. */
  readonly awaitEntry: (fileUrl: string) => Effect.Effect<void, ArtifactError>
}

const hidden = (name: string) => name.startsWith(".") || name.startsWith("_")
const stemOf = (name: string) => (extensionOf(name) === "" ? name : name.slice(0, -extensionOf(name).length))

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeArtifact = (options: HandleOptions): Artifact => {
  const { client, url, path, mode } = options
  const fileUrl = (fileName: string) => joinPath(url, fileName)
  const fail = (reason: ArtifactError["reason"], message: string, cause?: unknown) =>
    new ArtifactError({ reason, message, path, ...(cause === undefined ? {} : { cause }) })

  const writable = mode === "write"
    ? Effect.void
    : Effect.fail(fail("ReadOnly", `${path} was opened in ${mode} mode; only write mode may change it.`))

  const decodeFile = (fileName: string, codec: FieldCodec<any>) =>
    Effect.gen(function*() {
      if (mode === "read-async") yield* options.awaitEntry(fileUrl(fileName))
      const bytes = yield* readOptional(client, fileUrl(fileName))
      if (bytes === undefined) return yield* fail("NotFound", `${path}/${fileName} does not exist.`)
      return yield* Effect.try({
        try: () => codec.decode(bytes) as unknown,
        catch: (cause) => fail("InvalidField", `${path}/${fileName} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}.`, cause)
      })
    })

  const encodeFile = (fileName: string, codec: FieldCodec<any>, value: unknown) =>
    Effect.gen(function*() {
      yield* writable
      const bytes = yield* Effect.try({
        try: () => codec.encode(value),
        catch: (cause) => fail("InvalidField", `${path}/${fileName} cannot be written: ${cause instanceof Error ? cause.message : String(cause)}.`, cause)
      })
      yield* writeFile(client, fileUrl(fileName), bytes)
    })

  const codecOf = (field: string) =>
    Object.hasOwn(options.fields, field)
      ? Effect.succeed(options.fields[field]!)
      : Effect.fail(fail("InvalidField", `${path} has no field ${JSON.stringify(field)} (fields: ${Object.keys(options.fields).join(", ") || "none"}).`))

  /** Names directly in the directory: files with their extension, directories with a trailing "/". */
  const listing = Effect.map(listEntries(client, url), (entries) =>
    entries.map((entry) => (entry.type === "directory" ? `${entry.name}/` : entry.name)))

  const fileNamed = (name: string) =>
    Effect.map(listing, (names) => names.find((entry) => entry === name) ?? names.find((entry) => !entry.endsWith("/") && stemOf(entry) === name))

  const checkName = (name: string) =>
    name === "" || name.includes("/") || name === "." || name === ".."
      ? Effect.fail(fail("InvalidPath", `${JSON.stringify(name)} is not an entry name (no "/", ".", ".." or empty names).`))
      : Effect.void

  const append = (name: string, items: ReadonlyArray<unknown>) =>
    Effect.gen(function*() {
      yield* writable
      yield* checkName(name)
      const fileName = `${stemOf(name)}.cbor`
      const local = yield* localPathOf(client, fileUrl(fileName))
      if (local !== undefined) {
        return yield* appendToList(local, items).pipe(Effect.mapError((cause) => fail("InvalidField", `${path}/${fileName}: ${cause.message}`, cause)))
      }
      const existing = yield* readOptional(client, fileUrl(fileName))
      const before = existing === undefined ? [] : yield* Effect.try({
        try: () => readList(existing),
        catch: (cause) => fail("InvalidField", `${path}/${fileName} is not a list file: ${String(cause)}`, cause)
      })
      yield* writeFile(client, fileUrl(fileName), encodeList([...before, ...items]))
    })

  const appendRows = (name: string, rows: unknown) =>
    Effect.gen(function*() {
      yield* writable
      yield* checkName(name)
      if (!(rows instanceof NdArray)) return yield* fail("InvalidField", `Rows appended to ${path}/${name} must be an NdArray.`)
      const fileName = `${stemOf(name)}.cbor`
      const local = yield* localPathOf(client, fileUrl(fileName))
      if (local !== undefined) {
        return yield* appendToArray(local, rows).pipe(Effect.mapError((cause) => fail("InvalidField", `${path}/${fileName}: ${cause.message}`, cause)))
      }
      const existing = yield* readOptional(client, fileUrl(fileName))
      const grown = yield* Effect.try({
        try: () => (existing === undefined ? rows : concatRows(readArray(existing), rows)),
        catch: (cause) => fail("InvalidField", `${path}/${fileName}: ${cause instanceof Error ? cause.message : String(cause)}`, cause)
      })
      yield* writeFile(client, fileUrl(fileName), cbor.encode(grown))
    })

  return {
    url,
    path,
    mode,
    spec: options.spec,
    meta: options.meta,
    read: (field) => Effect.flatMap(codecOf(field), (codec) => decodeFile(`${field}${codec.extension}`, codec)) as never,
    write: (field, value) => Effect.flatMap(codecOf(field), (codec) => encodeFile(`${field}${codec.extension}`, codec, value)),
    entries: Effect.map(listing, (names) => [...new Set(names.map((name) => stemOf(name.replace(/\/$/, ""))))].filter((name) => !hidden(name)).toSorted()),
    readEntry: (name) =>
      Effect.gen(function*() {
        yield* checkName(name)
        const found = yield* fileNamed(name)
        if (found === undefined) return yield* fail("NotFound", `${path} has no entry ${JSON.stringify(name)}.`)
        return yield* decodeFile(found, readerFor(found))
      }),
    writeEntry: (name, value) =>
      Effect.gen(function*() {
        yield* checkName(name)
        const { codec, fileName } = writerFor(name, value)
        yield* encodeFile(fileName, codec, value)
      }),
    append,
    appendRows,
    deleteEntry: (name) =>
      Effect.gen(function*() {
        yield* writable
        yield* checkName(name)
        const found = yield* fileNamed(name)
        if (found === undefined) return yield* fail("NotFound", `${path} has no entry ${JSON.stringify(name)}.`)
        yield* client.delete(fileUrl(found.replace(/\/$/, "")), { recursive: found.endsWith("/") }).pipe(Effect.mapError(fromStorage))
      })
  }
}
