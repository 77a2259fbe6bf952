/**
 * Credentials for storage providers, after MSC's credentials contract:
 * `get` gives the current credentials, `refresh` renews them. A profile's
 * `credentials_provider: {type, options}` names a `CredentialsFactory`
 * registered by type; the storage provider receives the built provider in its
 * `ProviderContext`. Every secret is `Redacted`, so it never reaches a log,
 * a span or an error message.
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"
import type { Effect, Redacted, Scope } from "effect"
import type { ConfigError } from "./StorageConfig.ts"
import { StorageError } from "./StorageProvider.ts"

/**
 * One set of credentials. Azure's connection string travels as `accessKey`
 * (MSC does the same); provider-specific extras go in `custom`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly accessKey: Redacted.Redacted<string>
  readonly secretKey: Redacted.Redacted<string>
  readonly token?: Redacted.Redacted<string> | undefined
  /** When the credentials stop working; absent for credentials that do not expire. */
  readonly expiration?: Date | undefined
  readonly custom?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
}

/**
 * @since 0.1.0
 * @category errors
 */
export const CredentialsErrorReason = Schema.Literals(["NotFound", "Invalid", "Expired", "Unavailable"])

/**
 * Credentials could not be had. The message names the source (a file, an
 * environment variable, a profile), never a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>()("CredentialsError", {
  reason: CredentialsErrorReason,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface CredentialsProviderShape {
  /** The current credentials (cached ones while they are valid). */
  readonly get: Effect.Effect<Credentials, CredentialsError>
  /** Renew now (after the backend rejected the current ones, say). */
  readonly refresh: Effect.Effect<void, CredentialsError>
}

/**
 * How to build one credentials provider type from a config file's
 * `credentials_provider` entry.
 *
 * @since 0.1.0
 * @category models
 */
export interface CredentialsFactory<Options = any> {
  readonly type: string
  readonly options: Schema.Codec<Options, unknown>
  readonly make: (
    options: Options,
    context: { readonly profile: string; readonly file?: string | undefined }
  ) => Effect.Effect<CredentialsProviderShape, CredentialsError | ConfigError, Scope.Scope>
}

/**
 * The credentials of one profile as a service, for code that wants them from
 * the context rather than from a `ProviderContext`.
 *
 * @since 0.1.0
 * @category services
 */
export class CredentialsProvider extends Context.Service<CredentialsProvider, CredentialsProviderShape>()(
  "strata/CredentialsProvider"
) {}

/**
 * Whether credentials are past their expiration at `now` (MSC: "expiration
 * <= now"); credentials without one never expire.
 *
 * @since 0.1.0
 * @category models
 */
export const isExpired = (credentials: Credentials, now: number): boolean =>
  credentials.expiration !== undefined && credentials.expiration.getTime() <= now

/**
 * A `CredentialsError` as the `StorageError` of the operation that needed the
 * credentials: `Unavailable` when the source may answer later, else
 * `PermissionDenied`. The message names the profile (when known) and what was
 * being done, never a secret. One wording for every provider.
 *
 * @since 0.1.0
 * @category errors
 */
export const credentialsStorageError = (
  error: CredentialsError,
  context: {
    readonly operation: string
    readonly profile?: string | undefined
    readonly key?: string | undefined
    /** What the credentials were for, e.g. "getBytes of 'a.txt' (bucket 'b')". */
    readonly purpose?: string | undefined
  }
): StorageError =>
  new StorageError({
    reason: error.reason === "Unavailable" ? "Unavailable" : "PermissionDenied",
    operation: context.operation,
    ...(context.key === undefined ? {} : { key: context.key }),
    message: `The credentials${context.profile === undefined ? "" : ` of profile '${context.profile}'`} cannot be had${
      context.purpose === undefined ? "" : ` for ${context.purpose}`
    }: ${error.message}`,
    cause: error
  })
