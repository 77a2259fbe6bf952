/**
 * Artifacts: typed directories built from specs and found again by spec
 * (Artisan's model, on any `StorageClient` URL). An artifact type names a
 * Schema for its spec, typed fields (files in the directory) and a build
 * function; `build(Type, spec)` returns the existing artifact whose
 * `_meta_.json` spec equals the spec, or makes a new directory and runs the
 * `ArtifactBuilder` on it.
 *
 * Artisan's context (`root`, `scope`, `builder`) is Effect context here:
 * `Artifacts.layer({ root, scope })` plus an `ArtifactBuilder` layer.
 * `push_context`/`using_context` become `Effect.provide(otherLayer)` around a
 * region, `pop_context` is leaving it, and `get_context` is `yield* Artifacts`.
 *
 * @since 0.1.0
 */
import { Context, Schema, SchemaTransformation } from "effect"
import type { Effect } from "effect"

/**
 * @since 0.1.0
 * @category errors
 */
export const ArtifactErrorReason = Schema.Literals([
  "InvalidSpec",
  "UnknownType",
  "NotFound",
  "NotAnArtifact",
  "BuildFailed",
  "Incompatible",
  "InvalidField",
  "ReadOnly",
  "InvalidPath",
  "Storage"
])
export type ArtifactErrorReason = typeof ArtifactErrorReason.Type

/**
 * The one error of the artifacts service: `message` is a sentence naming the
 * artifact path (and JSON path, for specs) that was wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class ArtifactError extends Schema.TaggedError<ArtifactError>()("ArtifactError", {
  reason: ArtifactErrorReason,
  message: Schema.String,
  path: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * How a file of a field is written and read back. `extension` includes the dot.
 *
 * @since 0.1.0
 * @category models
 */
export interface FieldCodec<A> {
  readonly extension: string
  readonly encode: (value: A) => Uint8Array
  /** Throws a sentence-like `Error` when the bytes are not a value of the field. */
  readonly decode: (bytes: Uint8Array) => A
}

/**
 * How an artifact is opened: `read-sync` waits for its build to finish,
 * `read-async` reads entries as they appear, `write` may also write them.
 *
 * @since 0.1.0
 * @category models
 */
export type AccessMode = "read-sync" | "read-async" | "write"

/**
 * @since 0.1.0
 * @category models
 */
export type FieldCodecs = Readonly<Record<string, FieldCodec<any>>>

/**
 * What `_meta_.json` holds (its schema lives with the format, in `layers/artifacts/meta.ts`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ArtifactMetaView {
  readonly spec: Readonly<Record<string, unknown>>
  readonly events: ReadonlyArray<{ readonly type: string; readonly timestamp: string; readonly message?: string }>
}

/**
 * An artifact directory opened in a mode: typed fields by name, and
 * map-like access to every entry (dynamic artifacts) through the reader and
 * writer registry.
 *
 * @since 0.1.0
 * @category models
 */
export interface Artifact<F extends FieldCodecs = FieldCodecs, Spec = unknown> {
  /** The directory's URL. */
  readonly url: string
  /** The directory relative to the root (`Type_0000`). */
  readonly path: string
  readonly mode: AccessMode
  readonly spec: Spec
  /** The `_meta_.json` as it was when the artifact was opened. */
  readonly meta: ArtifactMetaView | undefined
  readonly read: <K extends keyof F & string>(field: K) => Effect.Effect<ReturnType<F[K]["decode"]>, ArtifactError>
  readonly write: <K extends keyof F & string>(
    field: K,
    value: Parameters<F[K]["encode"]>[0]
  ) => Effect.Effect<void, ArtifactError>
  /** Entry names (stems), sorted, without those starting with `.` or `_`. */
  readonly entries: Effect.Effect<ReadonlyArray<string>, ArtifactError>
  /** Reads an entry by stem (or full name) with the reader its extension picks. */
  readonly readEntry: (name: string) => Effect.Effect<unknown, ArtifactError>
  /** Writes an entry with the writer its extension (or else its value's type) picks. */
  readonly writeEntry: (name: string, value: unknown) => Effect.Effect<void, ArtifactError>
  /** Appends items to a list entry (`<name>.cbor`, the appendable list layout) without rewriting it on local disk. */
  readonly append: (name: string, items: ReadonlyArray<unknown>) => Effect.Effect<void, ArtifactError>
  /**
   * Appends rows along the first axis of an array entry (`<name>.cbor`, RFC 8746 tag 40), creating it when missing;
   * `rows` is an n-dimensional array (`NdArray` from the CBOR codec) of the file's element type and trailing shape.
   */
  readonly appendRows: (name: string, rows: unknown) => Effect.Effect<void, ArtifactError>
  readonly deleteEntry: (name: string) => Effect.Effect<void, ArtifactError>
}

/**
 * A spec value naming a directory under the artifact root, written `@/<rel>`
 * in specs (Artisan's path values). The build function receives it with
 * `artifact` set to that directory opened read-sync when it exists there;
 * `_meta_.json` keeps the `@/<rel>` string, so specs still match.
 *
 * @since 0.1.0
 * @category models
 */
export class ArtifactRef {
  /** Relative to the root, without the `@/`. */
  readonly path: string
  /** The directory as an artifact, when it existed as the build started. */
  readonly artifact: Artifact | undefined
  constructor(path: string, artifact?: Artifact) {
    this.path = path
    this.artifact = artifact
  }
}

/** A `@/<rel>` string with no `..`, `.` or empty segment; its JSON Schema is Artisan's `__PathString` pattern. */
const RootPathString = Schema.String.check(Schema.makeFilter(
  (text: string) =>
    !text.startsWith("@/") ? `${JSON.stringify(text)} does not start with "@/" (a path under the artifact root)`
    : text.slice(2).replace(/\/+$/, "").split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".." && !segment.includes("\\")) ||
      `${JSON.stringify(text)} leaves the artifact root or is malformed (no "..", "." or empty segments)`,
  { toJsonSchema: () => ({ pattern: "^@\\/.*" }) }
))

/**
 * The Schema of a spec field that names another artifact (or any directory)
 * by `@/<rel>`; its JSON Schema is `{"type": "string", "pattern": "^@\\/.*"}`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ArtifactRefSchema = RootPathString.pipe(Schema.decodeTo(
  Schema.instanceOf(ArtifactRef),
  SchemaTransformation.transform({
    decode: (text: string) => new ArtifactRef(text.slice(2).replace(/\/+$/, "")),
    encode: (ref: ArtifactRef) => `@/${ref.path}`
  })
))

/**
 * A declared artifact type. `build` fills a directory opened in write mode.
 *
 * @since 0.1.0
 * @category models
 */
export interface ArtifactType<S extends Schema.Top = Schema.Top, F extends FieldCodecs = FieldCodecs> {
  readonly name: string
  readonly spec: S
  readonly fields: F
  readonly description?: string | undefined
  readonly build: (spec: S["Type"], artifact: Artifact<F, S["Type"]>) => Effect.Effect<void, unknown>
}

/**
 * Any artifact type, for registries.
 *
 * @since 0.1.0
 * @category models
 */
export type AnyArtifactType = ArtifactType<any, any>

/**
 * Declares an artifact type.
 *
 * @since 0.1.0
 * @category constructors
 */
export const artifactType = <S extends Schema.Top, F extends FieldCodecs>(
  definition: ArtifactType<S, F>
): ArtifactType<S, F> => definition

/**
 * @since 0.1.0
 * @category models
 */
export type ArtifactOf<T extends AnyArtifactType> = T extends ArtifactType<infer S, infer F> ? Artifact<F, S["Type"]>
  : never

/**
 * @since 0.1.0
 * @category models
 */
export interface ArtifactsShape {
  /** The root URL artifacts live under. */
  readonly root: string
  /** The registry of artifact types by name (Artisan's scope). */
  readonly scope: ReadonlyMap<string, AnyArtifactType>
  /**
   * The existing artifact for the spec, or a new one built now; waits for a build of the same spec in progress.
   * A spec with `_path_: "@/<dir>"` is built or found only in that directory (`Incompatible` when it holds something else).
   */
  readonly build: <T extends AnyArtifactType>(type: T, spec: unknown) => Effect.Effect<ArtifactOf<T>, ArtifactError>
  /** Like `build` with the type named by the spec's `type` key (as the HTTP API receives it). */
  readonly buildEncoded: (spec: unknown) => Effect.Effect<Artifact, ArtifactError>
  /** The finished artifact matching the spec, if any; never builds. */
  readonly find: <T extends AnyArtifactType>(type: T, spec: unknown) => Effect.Effect<ArtifactOf<T> | undefined, ArtifactError>
  /**
   * Opens a directory (relative to the root) without matching. With no type,
   * the type is looked up from `_meta_.json` in the scope; a directory without
   * metadata opens as a dynamic artifact.
   */
  readonly recover: (
    path: string,
    mode?: AccessMode,
    type?: AnyArtifactType
  ) => Effect.Effect<Artifact, ArtifactError>
}

/**
 * @since 0.1.0
 * @category services
 */
export class Artifacts extends Context.Service<Artifacts, ArtifactsShape>()("strata/Artifacts") {}
