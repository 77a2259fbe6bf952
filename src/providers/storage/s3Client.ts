/**
 * The AWS SDK client of the s3 provider: endpoint, region, addressing style,
 * timeouts and connection pool from the provider's options, and credentials
 * from the profile's `CredentialsProviderShape` (or the SDK's default chain
 * when the profile names none). The SDK's own retries are off (`maxAttempts:
 * 1`): the profile's retry layer decides what to retry.
 *
 * @since 0.1.0
 */
import { S3Client } from "@aws-sdk/client-s3"
import type { S3ClientConfig } from "@aws-sdk/client-s3"
import { Effect, Exit, Redacted } from "effect"
import { Cause } from "effect"
import type { CredentialsProviderShape } from "../../services/Credentials.ts"

/**
 * How to reach the service.
 *
 * @since 0.1.0
 * @category models
 */
export interface S3ClientOptions {
  readonly region?: string | undefined
  /** `http(s)://host:port` of an S3-compatible service; AWS when absent. */
  readonly endpoint?: string | undefined
  /** `bucket` in the path instead of the host name; default: true with an endpoint, false for AWS. */
  readonly pathStyle?: boolean | undefined
  /** Seconds to establish a connection; default 60. */
  readonly connectTimeout?: number | undefined
  /** Seconds without data on a request before it fails; default 60. */
  readonly readTimeout?: number | undefined
  /** Connections per client; default 128. */
  readonly maxConnections?: number | undefined
  /** Check TLS certificates; default true. */
  readonly verifyTls?: boolean | undefined
  /** An AWS shared-config profile for the SDK's default chain (ignored when `credentials` is given). */
  readonly awsProfile?: string | undefined
  readonly credentials?: CredentialsProviderShape | undefined
  readonly requestChecksumCalculation?: "WHEN_SUPPORTED" | "WHEN_REQUIRED" | undefined
  readonly responseChecksumValidation?: "WHEN_SUPPORTED" | "WHEN_REQUIRED" | undefined
}

/**
 * An AWS SDK credential provider function over a strata credentials provider.
 * A failure rejects with the `CredentialsError` itself, so the provider can
 * map it to a `StorageError` naming the profile.
 *
 * @since 0.1.0
 * @category credentials
 */
export const awsCredentialsOf = (provider: CredentialsProviderShape) => async () => {
  const exit = await Effect.runPromiseExit(provider.get)
  if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  const credentials = exit.value
  return {
    accessKeyId: Redacted.value(credentials.accessKey),
    secretAccessKey: Redacted.value(credentials.secretKey),
    ...(credentials.token === undefined ? {} : { sessionToken: Redacted.value(credentials.token) }),
    ...(credentials.expiration === undefined ? {} : { expiration: credentials.expiration })
  }
}

/**
 * A configured `S3Client`. Destroy it when done (it holds sockets).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeS3Client = (options: S3ClientOptions): S3Client => {
  const agent = {
    keepAlive: true,
    maxSockets: options.maxConnections ?? 128,
    ...(options.verifyTls === false ? { rejectUnauthorized: false } : {})
  }
  const config: S3ClientConfig = {
    maxAttempts: 1,
    forcePathStyle: options.pathStyle ?? options.endpoint !== undefined,
    requestHandler: {
      connectionTimeout: (options.connectTimeout ?? 60) * 1000,
      requestTimeout: (options.readTimeout ?? 60) * 1000,
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent
    },
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.awsProfile === undefined ? {} : { profile: options.awsProfile }),
    ...(options.credentials === undefined ? {} : { credentials: awsCredentialsOf(options.credentials) }),
    ...(options.requestChecksumCalculation === undefined ? {} : { requestChecksumCalculation: options.requestChecksumCalculation }),
    ...(options.responseChecksumValidation === undefined ? {} : { responseChecksumValidation: options.responseChecksumValidation })
  }
  return new S3Client(config)
}
