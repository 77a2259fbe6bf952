/**
 * Who runs an artifact's build function: in the calling process by default
 * (`ArtifactsLive.builderInProcess`); a program may swap in another (a queue,
 * a pool) without touching the types.
 *
 * @since 0.1.0
 */
import { Context } from "effect"
import type { Effect } from "effect"
import type { AnyArtifactType, Artifact } from "./Artifacts.ts"

/**
 * One build: the type, its decoded spec and the new directory opened in write mode.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildJob {
  readonly type: AnyArtifactType
  readonly spec: unknown
  readonly artifact: Artifact
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ArtifactBuilderShape {
  /** Fills the job's directory; a failure is recorded as the build's Failure event. */
  readonly run: (job: BuildJob) => Effect.Effect<void, unknown>
}

/**
 * @since 0.1.0
 * @category services
 */
export class ArtifactBuilder extends Context.Service<ArtifactBuilder, ArtifactBuilderShape>()("strata/ArtifactBuilder") {}
