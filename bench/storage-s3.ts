/**
 * The s3 provider against the raw AWS SDK doing the same work, in the same
 * run, on the same s3rver (started here, as in the tests): 256 objects of
 * 1 MiB at concurrency 16.
 *
 * - put: `provider.put(key, bytes)` (key validation, one PutObject, error
 *   mapping, metadata) vs `S3Client.send(PutObjectCommand)`.
 * - getBytes: `provider.getBytes(key)` vs `S3Client.send(GetObjectCommand)`
 *   + `Body.transformToByteArray()`.
 *
 * Both clients sign with the same static credentials and run the SDK's
 * defaults otherwise (ours sets `maxAttempts: 1` and its own socket pool).
 * Our side runs as a program would: `Effect.forEach(keys, op, {
 * concurrency })` under `Effect.runPromise`. The server is the same for
 * both sides, so the ratio shows the client-side cost of the provider; it
 * is diluted by s3rver's own work (it writes every object to disk).
 *
 * @since 0.1.0
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { Effect, Exit, Redacted, Scope } from "effect"
import * as StaticCredentials from "../src/providers/credentials/static.ts"
import * as S3 from "../src/providers/storage/s3.ts"
import { notFoundMessage, s3rverInstalled, startS3Server } from "../test/support/s3Server.ts"
import { compare, pool } from "./harness.ts"
import type { BenchResult } from "./harness.ts"

const COUNT = 256
const SIZE = 1024 * 1024
const CONCURRENCY = 16
const REPEATS = 5
const TARGET = 0.9
const keys = Array.from({ length: COUNT }, (_, i) => `bench/object-${String(i).padStart(4, "0")}.bin`)

/**
 * @since 0.1.0
 * @category benchmarks
 */
export const run = async (): Promise<ReadonlyArray<BenchResult>> => {
  if (!s3rverInstalled) {
    console.log(`storage-s3: skipped, ${notFoundMessage}`)
    return []
  }
  const server = await startS3Server("bench")
  const scope = await Effect.runPromise(Scope.make())
  const raw = new S3Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey }
  })
  try {
    const provider = await Effect.runPromise(S3.make({
      basePath: server.bucket,
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: StaticCredentials.make({ accessKey: Redacted.make(server.accessKey), secretKey: Redacted.make(server.secretKey) })
    }).pipe(Scope.provide(scope)))
    const payload = new Uint8Array(SIZE).map((_, i) => (i * 31) & 0xff)
    const ours = (op: (key: string) => Effect.Effect<unknown, unknown>) => async () => () =>
      Effect.runPromise(Effect.forEach(keys, op, { concurrency: CONCURRENCY, discard: true }))
    const base = (op: (key: string) => Promise<unknown>) => async () => () =>
      pool(COUNT, CONCURRENCY, (i) => op(keys[i]!))
    const results: Array<BenchResult> = []
    results.push(await compare({
      name: `s3 put 1 MiB x ${COUNT}, c=${CONCURRENCY}`,
      baseline: "S3Client PutObjectCommand",
      ops: COUNT,
      repeats: REPEATS,
      target: TARGET,
      ours: { prepare: ours((key) => provider.put(key, payload)) },
      base: { prepare: base((key) => raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: payload }))) }
    }))
    const check = await Effect.runPromise(provider.getBytes(keys[0]!))
    if (check.byteLength !== SIZE) throw new Error(`expected ${SIZE} bytes, got ${check.byteLength}`)
    results.push(await compare({
      name: `s3 getBytes 1 MiB x ${COUNT}, c=${CONCURRENCY}`,
      baseline: "S3Client GetObjectCommand + transformToByteArray",
      ops: COUNT,
      repeats: REPEATS,
      target: TARGET,
      ours: { prepare: ours((key) => provider.getBytes(key)) },
      base: {
        prepare: base(async (key) => {
          const output = await raw.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }))
          return output.Body?.transformToByteArray()
        })
      }
    }))
    return results
  } finally {
    raw.destroy()
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await server.stop()
  }
}
