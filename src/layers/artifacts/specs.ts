/**
 * Specs as Artisan stores them: `{"type": <name>, <given keys in order>,
 * <defaults in alphabetical order>}`, decoded through the object mapper (so
 * a bad spec is reported at its JSON path) and encoded back through the
 * type's Schema; plus the canonical text and hash that the lookup index and
 * the build locks use.
 *
 * @since 0.1.0
 */
import { Effect, Predicate, Schema } from "effect"
import { createHash } from "node:crypto"
import { ArtifactError } from "../../services/Artifacts.ts"
import type { AnyArtifactType } from "../../services/Artifacts.ts"
import type { ObjectMapperShape } from "../../services/ObjectMapper.ts"

/**
 * @since 0.1.0
 * @category constants
 */
export const TYPE_KEY = "type"

/**
 * The spec key naming the one directory an artifact may live in (`@/<rel>`).
 *
 * @since 0.1.0
 * @category constants
 */
export const PATH_KEY = "_path_"

/** Root-relative path values (`_path_` and `ArtifactRef` fields) start with this. */
const ROOT_PREFIX = "@/"

/**
 * A spec decoded for the build function and encoded for `_meta_.json`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EncodedSpec {
  readonly decoded: unknown
  readonly encoded: Readonly<Record<string, unknown>>
  readonly hash: string
  /** The directory `_path_` asks for, relative to the root; unset when any directory will do. */
  readonly path?: string | undefined
}

const invalid = (message: string, cause?: unknown) =>
  new ArtifactError({ reason: "InvalidSpec", message, ...(cause === undefined ? {} : { cause }) })

/**
 * The root-relative directory a `_path_` names. Only `@/<rel>` is accepted:
 * Artisan also takes `~` and cwd-relative paths, which mean nothing on a
 * root that is not on local disk.
 */
const pathOf = (value: unknown): Effect.Effect<string, ArtifactError> => {
  const refused = (why: string) =>
    Effect.fail(new ArtifactError({ reason: "InvalidPath", message: `The spec's ${PATH_KEY} ${JSON.stringify(value)} ${why}.` }))
  if (typeof value !== "string" || !value.startsWith(ROOT_PREFIX)) return refused(`must be a string starting with "${ROOT_PREFIX}" (a directory under the artifact root)`)
  const segments = value.slice(ROOT_PREFIX.length).replace(/\/+$/, "").split("/")
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".." || segment.includes("\\"))) {
    return refused("leaves the artifact root or is malformed")
  }
  return Effect.succeed(segments.join("/"))
}

/**
 * JSON text with keys sorted at every level: equal specs (by `specEquals`) have equal text.
 *
 * @since 0.1.0
 * @category hashing
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (Predicate.isObject(value)) {
    const keys = Object.keys(value).toSorted()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

/**
 * A short hash of a spec's canonical text (index keys, lock file names).
 *
 * @since 0.1.0
 * @category hashing
 */
export const specHash = (spec: unknown): string =>
  createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 32)

/**
 * Checks a spec against its type and encodes it as `_meta_.json` stores it.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeSpec = (
  mapper: ObjectMapperShape,
  type: AnyArtifactType,
  input: unknown
): Effect.Effect<EncodedSpec, ArtifactError> =>
  Effect.gen(function*() {
    if (!Predicate.isObject(input)) {
      const got = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input
      return yield* invalid(`A ${type.name} spec must be an object, got ${got}.`)
    }
    const { [TYPE_KEY]: named, [PATH_KEY]: pathValue, ...fields } = input
    const path = pathValue === undefined ? undefined : yield* pathOf(pathValue)
    if (named !== undefined && named !== type.name) {
      return yield* invalid(`The spec's type is ${JSON.stringify(named)}, but a ${type.name} was asked for.`)
    }
    const decoded = yield* mapper.deserialize(type.spec, fields).pipe(
      Effect.mapError((error) => invalid(`The ${type.name} spec is not valid: ${error.message}`, error))
    )
    const full = yield* Effect.try({
      try: () => JSON.parse(JSON.stringify(Schema.encodeUnknownSync(type.spec)(decoded))) as unknown,
      catch: (cause) => invalid(`The ${type.name} spec cannot be written as JSON: ${String(cause)}`, cause)
    })
    if (!Predicate.isObject(full)) return yield* invalid(`The spec schema of ${type.name} must describe an object.`)
    // Artisan stores `_path_` among the given keys, where it was given.
    const stored: Record<string, unknown> = path === undefined ? full : { ...full, [PATH_KEY]: `${ROOT_PREFIX}${path}` }
    const given = Object.keys(input).filter((key) => key !== TYPE_KEY && Object.hasOwn(stored, key))
    const defaults = Object.keys(full).filter((key) => !Object.hasOwn(fields, key)).toSorted()
    const encoded: Record<string, unknown> = { [TYPE_KEY]: type.name }
    for (const key of [...given, ...defaults]) encoded[key] = stored[key]
    return { decoded, encoded, hash: specHash(encoded), path }
  })

/**
 * The type a stored or posted spec names, from the scope.
 *
 * @since 0.1.0
 * @category encoding
 */
export const typeOfSpec = (
  scope: ReadonlyMap<string, AnyArtifactType>,
  spec: unknown
): Effect.Effect<AnyArtifactType, ArtifactError> => {
  if (!Predicate.isObject(spec) || typeof spec[TYPE_KEY] !== "string") {
    return Effect.fail(invalid(`A spec must be an object with a string "type" naming one of: ${[...scope.keys()].join(", ")}.`))
  }
  const type = scope.get(spec[TYPE_KEY])
  return type === undefined
    ? Effect.fail(new ArtifactError({
      reason: "UnknownType",
      message: `The spec's type ${JSON.stringify(spec[TYPE_KEY])} is not in scope (known: ${[...scope.keys()].join(", ")}).`
    }))
    : Effect.succeed(type)
}
