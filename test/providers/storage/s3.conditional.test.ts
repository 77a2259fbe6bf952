/**
 * Conditional requests and multipart aborts of the s3 provider, against the
 * in-repo conditional S3 server (s3rver ignores these headers; see
 * test/support/conditionalS3Server.ts). The server records the condition
 * headers, so these tests also check that the condition is sent to S3 (an
 * atomic check there) rather than emulated by the client.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Stream } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as StaticCredentials from "../../../src/providers/credentials/static.ts"
import * as S3 from "../../../src/providers/storage/s3.ts"
import { bytesOf, collectBytes, expectError, getText, patternStream } from "../../../src/testing/StorageProviderSuiteData.ts"
import { startConditionalS3Server } from "../../support/conditionalS3Server.ts"
import type { ConditionalS3Server } from "../../support/conditionalS3Server.ts"

const MiB = 1024 * 1024
let server: ConditionalS3Server
beforeAll(async () => {
  server = await startConditionalS3Server()
})
afterAll(() => server.stop())

const provider = () =>
  S3.make({
    basePath: `${server.bucket}/base`,
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: StaticCredentials.make({ accessKey: Redacted.make("id"), secretKey: Redacted.make("secret") }),
    multipartThreshold: 5 * MiB,
    multipartChunkSize: 5 * MiB,
    maxConcurrency: 2
  })

const sent = (method: string, key: string) => server.requests.filter((r) => r.method === method && r.key === `base/${key}`)

describe("s3 provider: conditional requests on the server", () => {
  it.effect("reads with ifMatch and ifNoneMatch", () =>
    Effect.gen(function*() {
      const p = yield* provider()
      const { etag } = yield* p.put("read.txt", bytesOf("v1"))
      assert.isString(etag)
      assert.strictEqual(yield* getText(p, "read.txt"), "v1")
      assert.strictEqual(new TextDecoder().decode(yield* p.getBytes("read.txt", { ifMatch: etag })), "v1")
      assert.strictEqual(new TextDecoder().decode(yield* p.getBytes("read.txt", { ifNoneMatch: "other" })), "v1")
      yield* expectError(p.getBytes("read.txt", { ifMatch: "other" }), "PreconditionFailed", "getBytes ifMatch")
      yield* expectError(collectBytes(p.read("read.txt", { ifMatch: "other" })), "PreconditionFailed", "read ifMatch")
      yield* expectError(p.getBytes("read.txt", { ifNoneMatch: etag }), "NotModified", "getBytes ifNoneMatch")
      yield* expectError(collectBytes(p.read("read.txt", { ifNoneMatch: etag })), "NotModified", "read ifNoneMatch")
      assert.deepStrictEqual(sent("GET", "read.txt").map((r) => r.ifMatch).filter((h) => h !== undefined), [`"${etag}"`, "\"other\"", "\"other\""])
    }).pipe(Effect.scoped))

  it.effect("puts with ifMatch and ifNoneMatch: *, checked by the server", () =>
    Effect.gen(function*() {
      const p = yield* provider()
      const v1 = yield* p.put("write.txt", bytesOf("v1"))
      const v2 = yield* p.put("write.txt", bytesOf("v2"), { ifMatch: v1.etag })
      assert.notStrictEqual(v2.etag, v1.etag)
      const stale = yield* expectError(p.put("write.txt", bytesOf("v3"), { ifMatch: v1.etag }), "PreconditionFailed", "stale ifMatch")
      assert.include(stale.message, "write.txt")
      assert.strictEqual(yield* getText(p, "write.txt"), "v2")
      yield* expectError(p.put("absent.txt", bytesOf("x"), { ifMatch: v1.etag ?? "" }), "NotFound", "ifMatch on a missing object")
      yield* p.put("created.txt", bytesOf("new"), { ifNoneMatch: "*" })
      const exists = yield* expectError(p.put("created.txt", bytesOf("again"), { ifNoneMatch: "*" }), "AlreadyExists", "create-only")
      assert.include(exists.message, "created.txt")
      assert.strictEqual(yield* getText(p, "created.txt"), "new")
      assert.deepStrictEqual(sent("PUT", "created.txt").map((r) => r.ifNoneMatch), ["*", "*"], "the condition went to the server")
    }).pipe(Effect.scoped))

  it.effect("completes multipart uploads only when the condition holds, and aborts them otherwise", () =>
    Effect.gen(function*() {
      const p = yield* provider()
      const size = 12 * MiB
      yield* p.put("big.bin", bytesOf("small"))
      const abortedBefore = server.aborted()
      yield* expectError(p.put("big.bin", patternStream(size, () => {}), { ifNoneMatch: "*" }), "AlreadyExists", "multipart create-only")
      assert.strictEqual(server.aborted(), abortedBefore + 1, "the failed upload was aborted")
      assert.strictEqual(yield* getText(p, "big.bin"), "small")
      const { etag } = yield* p.head("big.bin")
      const written = yield* p.put("big.bin", patternStream(size, () => {}), { ifMatch: etag })
      assert.strictEqual(written.contentLength, size)
      assert.match(written.etag ?? "", /-3$/, "three parts of 5, 5 and 2 MiB")
      assert.strictEqual((yield* p.getBytes("big.bin")).byteLength, size)
    }).pipe(Effect.scoped))

  it.effect("aborts a multipart upload whose body fails, with the body's error", () =>
    Effect.gen(function*() {
      const p = yield* provider()
      const abortedBefore = server.aborted()
      const failing = Stream.concat(patternStream(11 * MiB, () => {}), Stream.fail("body broke" as const))
      const error = yield* Effect.flip(p.put("broken.bin", failing))
      assert.strictEqual(error, "body broke")
      assert.strictEqual(server.aborted(), abortedBefore + 1)
      yield* expectError(p.head("broken.bin"), "NotFound", "nothing was written")
    }).pipe(Effect.scoped))

  it.effect("deletes with ifMatch", () =>
    Effect.gen(function*() {
      const p = yield* provider()
      const { etag } = yield* p.put("doomed.txt", bytesOf("x"))
      yield* expectError(p.delete("doomed.txt", { ifMatch: "other" }), "PreconditionFailed", "stale delete")
      assert.strictEqual(yield* getText(p, "doomed.txt"), "x")
      yield* p.delete("doomed.txt", { ifMatch: etag ?? "" })
      yield* expectError(p.head("doomed.txt"), "NotFound", "after the delete")
      assert.deepStrictEqual(sent("DELETE", "doomed.txt").map((r) => r.ifMatch), [`"${etag}"`])
    }).pipe(Effect.scoped))
})
