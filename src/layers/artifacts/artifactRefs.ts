/**
 * Artisan's build turns `@/` strings naming an existing directory into
 * artifacts; here the spec Schema has already made them `ArtifactRef`s, and
 * this gives each one its directory opened as an artifact when it exists.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { ArtifactRef } from "../../services/Artifacts.ts"
import type { Artifact, ArtifactError } from "../../services/Artifacts.ts"

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype

/**
 * The decoded spec with its refs opened by `open` (undefined: no such
 * directory). Only arrays and plain objects are searched, so a ref inside a
 * class instance keeps only its path.
 *
 * @since 0.1.0
 * @category resolving
 */
export const openRefs = (
  value: unknown,
  open: (path: string) => Effect.Effect<Artifact | undefined, ArtifactError>
): Effect.Effect<unknown, ArtifactError> => {
  if (value instanceof ArtifactRef) return Effect.map(open(value.path), (artifact) => new ArtifactRef(value.path, artifact))
  if (Array.isArray(value)) return Effect.forEach(value, (item) => openRefs(item, open))
  if (isPlainObject(value)) {
    return Effect.map(
      Effect.forEach(Object.entries(value), ([key, item]) => Effect.map(openRefs(item, open), (opened) => [key, opened] as const)),
      Object.fromEntries
    )
  }
  return Effect.succeed(value)
}
