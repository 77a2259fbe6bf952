import { Effect, Layer, Redacted } from "effect"
import * as S3 from "../../../src/providers/storage/s3.ts"
import * as StaticCredentials from "../../../src/providers/credentials/static.ts"
import { testStorageProvider } from "../../../src/testing/StorageProviderSuite.ts"
import { describeS3 } from "../../support/s3Server.ts"
import type { S3Server } from "../../support/s3Server.ts"

const MiB = 1024 * 1024

/** The s3 provider against s3rver, which ignores If-Match / If-None-Match on writes and If-Match on reads. */
export const s3rverProvider = (server: S3Server, overrides: Partial<S3.S3ProviderOptions> = {}) =>
  S3.layer({
    basePath: `${server.bucket}/suite`,
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: StaticCredentials.make({
      accessKey: Redacted.make(server.accessKey),
      secretKey: Redacted.make(server.secretKey)
    }),
    conditionalReads: false,
    conditionalWrites: false,
    // Small parts keep the 100 MiB streaming case in bounded memory (and make it multipart).
    multipartThreshold: 8 * MiB,
    multipartChunkSize: 5 * MiB,
    maxConcurrency: 2,
    ...overrides
  })

describeS3("s3 provider against s3rver", (server) => {
  testStorageProvider("s3 (s3rver)", Layer.unwrap(Effect.sync(() => s3rverProvider(server()))))
})
