/**
 * Specs as Artisan stores them: `{"type": <name>, <given keys in order>,
 * <defaults in alphabetical order>}`, decoded through the object mapper (so
 * a bad spec is reported at its JSON path) and encoded back through the
 * type's Schema; plus the canonical text and hash that the lookup index and
 * the build locks use.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
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
 * A spec decoded for the build function and encoded for `_meta_.json`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EncodedSpec {
  readonly decoded: unknown
  readonly encoded: Readonly<Record<string, unknown>>
  readonly hash: string
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const invalid = (message: string, cause?: unknown) =>
  new ArtifactError({ reason: "InvalidSpec", message, ...(cause === undefined ? {} : { cause }) })

/**
 * JSON text with keys sorted at every level: equal specs (by `specEquals`) have equal text.
 *
 * @since 0.1.0
 * @category hashing
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (isRecord(value)) {
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
    if (!isRecord(input)) {
      const got = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input
      return yield* invalid(`A ${type.name} spec must be an object, got ${got}.`)
    }
    const { [TYPE_KEY]: named, ...fields } = input
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
    if (!isRecord(full)) return yield* invalid(`The spec schema of ${type.name} must describe an object.`)
    const given = Object.keys(fields).filter((key) => Object.hasOwn(full, key))
    const defaults = Object.keys(full).filter((key) => !Object.hasOwn(fields, key)).toSorted()
    const encoded: Record<string, unknown> = { [TYPE_KEY]: type.name }
    for (const key of [...given, ...defaults]) encoded[key] = full[key]
    return { decoded, encoded, hash: specHash(encoded) }
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
  if (!isRecord(spec) || typeof spec[TYPE_KEY] !== "string") {
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
