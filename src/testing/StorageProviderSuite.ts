/**
 * The `StorageProvider` contract, stated once as a behaviour suite that every
 * provider runs, ours and yours:
 *
 * ```ts
 * // test/MyStore.test.ts (vitest + @effect/vitest)
 * testStorageProvider("my-store", MyStore.layer({ bucket: "scratch" }))
 * testStorageProvider("my-cache", MyCache.layer, { checkBounded: false }) // holds objects in memory
 * ```
 *
 * What a provider promises (each test below checks one part):
 *
 * - **Keys** are relative "/"-separated paths. Empty, absolute, `.`/`..`/empty
 *   segments, a trailing "/" and NUL fail with `InvalidPath` on every
 *   operation (use `validateKey`/`validatePrefix`), before any I/O.
 * - **Objects** round trip byte for byte, including 0-byte ones and Unicode
 *   keys. `put` accepts bytes or a stream and returns the new metadata; the
 *   provider keeps no reference to the caller's buffers, and callers may write
 *   into what `read`/`getBytes` return. Every object has an `etag` (quotes
 *   stripped) that changes whenever its content does, even at the same size
 *   (a content hash or a version); `head` returns the one `put` returned.
 * - **Writes are atomic**: a body stream that fails makes the put fail with
 *   that stream's error, and leaves the previous object (and no temporary
 *   key) visible.
 * - **Missing** objects fail with `NotFound` on head/read/getBytes/delete/copy,
 *   with a message naming the key. A "directory" (a prefix of other keys) is
 *   not an object: head/getBytes fail with `NotFound`.
 * - **Ranges**: `offset` (and `length`, truncated at the end); `offset ==
 *   size` is empty, `offset > size` fails with `InvalidRange`.
 * - **Preconditions**: reads: `ifMatch` mismatch → `PreconditionFailed`,
 *   `ifNoneMatch` equal → `NotModified`. Puts: `ifMatch` mismatch →
 *   `PreconditionFailed`, on a missing object → `NotFound`; `ifNoneMatch: "*"`
 *   on an existing object → `AlreadyExists`. Deletes: `ifMatch` mismatch →
 *   `PreconditionFailed`. A failed precondition changes nothing.
 * - **Listings** are in S3 byte order (`compareKeys`: UTF-8 bytes, so U+E000
 *   sorts before an emoji), `prefix` is a raw key prefix, `startAfter`
 *   exclusive, `endAt` inclusive. With `includeDirectories` the listing is one
 *   level below the prefix's last "/": directories come back as `type:
 *   "directory"`, key without trailing "/", `contentLength` 0. How directories
 *   interleave with files is not part of the contract.
 * - **Capabilities** say what is supported; an operation or option outside
 *   them (a range, a precondition, `contentType`, `metadata`, `copy`) fails
 *   with `Unsupported`, which the suite asserts instead of the behaviour.
 *   `contentType` and `metadata` come back from `head`; a put replaces them.
 *   A provider with `write: false` must refuse puts with `Unsupported`; the
 *   other cases need fixtures and do nothing for it.
 * - **Streaming**: a large object (`largeObjectBytes`, 100 MiB by default)
 *   goes in from a lazily generated stream and comes back as a stream, and
 *   with `checkBounded` (default) live memory must stay under 40% of the
 *   object during both transfers: nothing may buffer a whole object.
 *
 * Each test works under its own random prefix and deletes what it wrote, so
 * the suite can run against a shared real backend. The layer is built once
 * for the suite, with live services (real clock).
 *
 * @since 0.1.0
 */
import { assert, describe, layer as layerSuite } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import type { Layer } from "effect"
import { StorageProvider } from "../services/StorageProvider.ts"
import {
  bytesOf,
  collectBytes,
  expectError,
  FNV_START,
  fnv1a,
  getText,
  invalidKeys,
  listKeys,
  makeMemoryProbe,
  patternStream,
  putText,
  textOf,
  uniqueRoot,
  withRoot
} from "./StorageProviderSuiteData.ts"
import { listingCases } from "./StorageProviderSuiteListing.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface StorageProviderSuiteOptions {
  /** Size of the streamed object; 100 MiB by default. */
  readonly largeObjectBytes?: number
  /** Assert that the large transfer does not buffer the object; default true. */
  readonly checkBounded?: boolean
}

/**
 * Registers the behaviour suite of the `StorageProvider` contract against the
 * provider that `layer` builds.
 *
 * @since 0.1.0
 * @category suites
 */
export const testStorageProvider = (
  name: string,
  layer: Layer.Layer<StorageProvider, unknown>,
  options: StorageProviderSuiteOptions = {}
): void => {
  const largeObjectBytes = options.largeObjectBytes ?? 100 * 1024 * 1024
  const checkBounded = options.checkBounded ?? true

  describe(`StorageProvider contract: ${name}`, () => {
    layerSuite(layer, { excludeTestServices: true, timeout: "120 seconds" })((it) => {
      it.effect("refuses puts when it is read-only", () =>
        Effect.gen(function*() {
          const p = yield* StorageProvider
          if (p.capabilities.write) return
          yield* expectError(p.put(`${uniqueRoot()}/x`, bytesOf("x")), "Unsupported", "put on a read-only provider")
        }))

      it.effect("round trips bytes and streams through put, head, getBytes and read", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("hello.txt")
          const written = yield* putText(p, key, "hello, world")
          assert.strictEqual(written.key, key)
          assert.strictEqual(written.type, "file")
          assert.strictEqual(written.contentLength, 12)
          assert.isString(written.etag, "put returns an etag")
          const meta = yield* p.head(key)
          assert.strictEqual(meta.key, key)
          assert.strictEqual(meta.type, "file")
          assert.strictEqual(meta.contentLength, 12)
          assert.strictEqual(meta.etag, written.etag, "head returns the etag put returned")
          assert.isFalse(Number.isNaN(meta.lastModified.getTime()), "lastModified is a valid date")
          assert.strictEqual(yield* getText(p, key), "hello, world")
          assert.strictEqual(textOf(yield* collectBytes(p.read(key))), "hello, world")

          const streamed = at("streamed.bin")
          const body = Stream.make(bytesOf("ab"), new Uint8Array(0), bytesOf("cde"), bytesOf("f"))
          assert.strictEqual((yield* p.put(streamed, body)).contentLength, 6)
          assert.strictEqual(yield* getText(p, streamed), "abcdef")
        })))

      it.effect("changes the etag when the content changes, even at the same size", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("etag.txt")
          const first = yield* putText(p, key, "one")
          const second = yield* putText(p, key, "two")
          assert.notStrictEqual(second.etag, first.etag)
          assert.strictEqual((yield* p.head(key)).etag, second.etag)
          assert.strictEqual(yield* getText(p, key), "two")
        })))

      it.effect("keeps no reference to the caller's buffers", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("copy-of-buffer.txt")
          const body = bytesOf("original")
          yield* p.put(key, body)
          body.fill(0x58)
          const got = yield* p.getBytes(key)
          assert.strictEqual(textOf(got), "original")
          got.fill(0x59)
          for (const chunk of yield* Stream.runCollect(p.read(key))) chunk.fill(0x5a)
          assert.strictEqual(yield* getText(p, key), "original")
        })))

      it.effect("stores, reads and ranges empty objects", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const fromBytes = at("empty-bytes")
          const fromStream = at("empty-stream")
          assert.strictEqual((yield* p.put(fromBytes, new Uint8Array(0))).contentLength, 0)
          assert.strictEqual((yield* p.put(fromStream, Stream.empty)).contentLength, 0)
          for (const key of [fromBytes, fromStream]) {
            assert.strictEqual((yield* p.head(key)).contentLength, 0)
            assert.strictEqual((yield* p.getBytes(key)).byteLength, 0)
            assert.strictEqual((yield* collectBytes(p.read(key))).byteLength, 0)
          }
          assert.deepStrictEqual(yield* listKeys(p, { prefix: `${at("")}` }), [fromBytes, fromStream])
          if (!p.capabilities.rangeRead) return
          assert.strictEqual((yield* p.getBytes(fromBytes, { range: { offset: 0 } })).byteLength, 0)
          yield* expectError(p.getBytes(fromBytes, { range: { offset: 1 } }), "InvalidRange", "offset 1 of an empty object")
        })))

      it.effect("round trips Unicode keys and keys with spaces, in listings too", () =>
        withRoot(Effect.fnUntraced(function*({ at, p, root }) {
          const keys = ["données/日本語/🎉.txt", "with space/file name.txt", "ümlaut+plus%percent.txt"].map(at)
          for (const key of keys) yield* putText(p, key, key)
          for (const key of keys) {
            assert.strictEqual((yield* p.head(key)).key, key)
            assert.strictEqual(yield* getText(p, key), key)
          }
          const listed = yield* listKeys(p, { prefix: `${root}/` })
          assert.deepStrictEqual([...listed].toSorted(), [...keys].toSorted())
          assert.deepStrictEqual(yield* listKeys(p, { prefix: at("données/") }), [keys[0]])
        })))

      listingCases(it)

      it.effect("reads byte ranges", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("digits")
          yield* putText(p, key, "0123456789")
          const range = (offset: number, length?: number) =>
            p.getBytes(key, { range: length === undefined ? { offset } : { offset, length } })
          if (!p.capabilities.rangeRead) {
            yield* expectError(range(2), "Unsupported", "range read without the capability")
            return
          }
          assert.strictEqual(textOf(yield* range(2)), "23456789")
          assert.strictEqual(textOf(yield* range(2, 3)), "234")
          assert.strictEqual(textOf(yield* range(8, 10)), "89", "a length past the end is truncated")
          assert.strictEqual(textOf(yield* range(0, 0)), "")
          assert.strictEqual(textOf(yield* range(10)), "", "a range starting at the end is empty")
          assert.strictEqual(textOf(yield* collectBytes(p.read(key, { range: { offset: 3, length: 4 } }))), "3456")
          const error = yield* expectError(range(11), "InvalidRange", "offset past the end")
          assert.include(error.message, key)
          yield* expectError(collectBytes(p.read(key, { range: { offset: 11 } })), "InvalidRange", "read past the end")
        })))

      it.effect("honours read preconditions", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("conditional-read")
          const { etag } = yield* putText(p, key, "v1")
          if (!p.capabilities.conditionalRead) {
            yield* expectError(p.getBytes(key, { ifMatch: etag }), "Unsupported", "ifMatch without the capability")
            return
          }
          assert.strictEqual(textOf(yield* p.getBytes(key, { ifMatch: etag })), "v1")
          assert.strictEqual(textOf(yield* p.getBytes(key, { ifNoneMatch: "not-the-etag" })), "v1")
          yield* expectError(p.getBytes(key, { ifMatch: "not-the-etag" }), "PreconditionFailed", "getBytes ifMatch")
          yield* expectError(collectBytes(p.read(key, { ifMatch: "not-the-etag" })), "PreconditionFailed", "read ifMatch")
          yield* expectError(p.getBytes(key, { ifNoneMatch: etag }), "NotModified", "getBytes ifNoneMatch")
          yield* expectError(collectBytes(p.read(key, { ifNoneMatch: etag })), "NotModified", "read ifNoneMatch")
        })))

      it.effect("honours write preconditions", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("conditional-write")
          const v1 = yield* putText(p, key, "v1")
          if (p.capabilities.conditionalWrite) {
            const v2 = yield* p.put(key, bytesOf("v2"), { ifMatch: v1.etag })
            assert.notStrictEqual(v2.etag, v1.etag)
            yield* expectError(p.put(key, bytesOf("v3"), { ifMatch: v1.etag }), "PreconditionFailed", "stale ifMatch")
            assert.strictEqual(yield* getText(p, key), "v2", "a failed precondition changes nothing")
            yield* expectError(p.put(at("absent"), bytesOf("x"), { ifMatch: v1.etag ?? "x" }), "NotFound", "ifMatch on a missing object")
            assert.deepStrictEqual(yield* listKeys(p, { prefix: at("absent") }), [])
          } else {
            yield* expectError(p.put(key, bytesOf("v2"), { ifMatch: v1.etag ?? "x" }), "Unsupported", "ifMatch without the capability")
          }
          if (p.capabilities.createOnly) {
            yield* p.put(at("created"), bytesOf("new"), { ifNoneMatch: "*" })
            assert.strictEqual(yield* getText(p, at("created")), "new")
            yield* expectError(p.put(key, bytesOf("v4"), { ifNoneMatch: "*" }), "AlreadyExists", "create-only over an object")
            assert.notStrictEqual(yield* getText(p, key), "v4")
          } else {
            yield* expectError(p.put(at("created"), bytesOf("new"), { ifNoneMatch: "*" }), "Unsupported", "create-only without the capability")
          }
        })))

      it.effect("deletes objects, with and without ifMatch", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("doomed")
          yield* putText(p, key, "x")
          yield* p.delete(key)
          yield* expectError(p.head(key), "NotFound", "head after delete")
          const missing = yield* expectError(p.delete(key), "NotFound", "delete of a missing object")
          assert.include(missing.message, key)
          const { etag } = yield* putText(p, key, "y")
          if (!p.capabilities.conditionalDelete) {
            yield* expectError(p.delete(key, { ifMatch: etag ?? "x" }), "Unsupported", "ifMatch without the capability")
            return
          }
          yield* expectError(p.delete(key, { ifMatch: "not-the-etag" }), "PreconditionFailed", "delete with a stale etag")
          assert.strictEqual(yield* getText(p, key), "y")
          yield* p.delete(key, { ifMatch: etag ?? "x" })
          yield* expectError(p.head(key), "NotFound", "head after a conditional delete")
        })))

      it.effect("copies objects within the provider", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const source = at("source.txt")
          const options = {
            ...(p.capabilities.contentType ? { contentType: "text/plain" } : {}),
            ...(p.capabilities.userMetadata ? { metadata: { owner: "ada" } } : {})
          }
          yield* p.put(source, bytesOf("payload"), options)
          if (!p.capabilities.copy) {
            yield* expectError(p.copy(source, at("target.txt")), "Unsupported", "copy without the capability")
            return
          }
          const copied = yield* p.copy(source, at("target.txt"))
          assert.strictEqual(copied.key, at("target.txt"))
          assert.strictEqual(copied.contentLength, 7)
          assert.strictEqual(yield* getText(p, at("target.txt")), "payload")
          assert.strictEqual(yield* getText(p, source), "payload", "the source stays")
          const meta = yield* p.head(at("target.txt"))
          if (p.capabilities.contentType) assert.strictEqual(meta.contentType, "text/plain")
          if (p.capabilities.userMetadata) assert.deepStrictEqual(meta.metadata, { owner: "ada" })
          yield* putText(p, at("other.txt"), "other")
          yield* p.copy(at("other.txt"), at("target.txt"))
          assert.strictEqual(yield* getText(p, at("target.txt")), "other", "copy replaces the target")
          const error = yield* expectError(p.copy(at("missing"), at("never")), "NotFound", "copy of a missing object")
          assert.include(error.message, at("missing"))
          yield* expectError(p.head(at("never")), "NotFound", "a failed copy writes nothing")
        })))

      it.effect("keeps content type and user metadata", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("described.json")
          const metadata = { owner: "ada", purpose: "suite test" }
          const { contentType, userMetadata } = p.capabilities
          if (!contentType) {
            yield* expectError(p.put(key, bytesOf("{}"), { contentType: "application/json" }), "Unsupported", "contentType without the capability")
          }
          if (!userMetadata) {
            yield* expectError(p.put(key, bytesOf("{}"), { metadata }), "Unsupported", "metadata without the capability")
          }
          if (!contentType && !userMetadata) return
          yield* p.put(key, bytesOf("{}"), {
            ...(contentType ? { contentType: "application/json" } : {}),
            ...(userMetadata ? { metadata } : {})
          })
          const meta = yield* p.head(key)
          if (contentType) assert.strictEqual(meta.contentType, "application/json")
          if (userMetadata) assert.deepStrictEqual(meta.metadata, metadata)
          yield* putText(p, key, "[]")
          const replaced = yield* p.head(key)
          if (userMetadata) {
            assert.isTrue(replaced.metadata === undefined || Object.keys(replaced.metadata).length === 0, "a put replaces the metadata")
          }
        })))

      it.effect("fails with NotFound naming the key for missing objects and directories", () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("missing.txt")
          const attempts: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> = [
            ["head", p.head(key)],
            ["getBytes", p.getBytes(key)],
            ["read", collectBytes(p.read(key))]
          ]
          for (const [what, effect] of attempts) {
            const error = yield* expectError(effect, "NotFound", what)
            assert.include(error.message, key, `${what} names the key`)
          }
          yield* putText(p, at("dir/file"), "x")
          yield* expectError(p.head(at("dir")), "NotFound", "head of a directory")
          yield* expectError(p.getBytes(at("dir")), "NotFound", "getBytes of a directory")
        })))

      it.effect("refuses invalid keys with InvalidPath on every operation", () =>
        Effect.gen(function*() {
          const p = yield* StorageProvider
          const valid = `${uniqueRoot()}/valid`
          for (const bad of invalidKeys) {
            const shown = JSON.stringify(bad)
            yield* expectError(p.head(bad), "InvalidPath", `head ${shown}`)
            yield* expectError(p.getBytes(bad), "InvalidPath", `getBytes ${shown}`)
            yield* expectError(collectBytes(p.read(bad)), "InvalidPath", `read ${shown}`)
            if (p.capabilities.write) {
              yield* expectError(p.put(bad, bytesOf("x")), "InvalidPath", `put ${shown}`)
              yield* expectError(p.delete(bad), "InvalidPath", `delete ${shown}`)
            }
            if (p.capabilities.write && p.capabilities.copy) {
              yield* expectError(p.copy(bad, valid), "InvalidPath", `copy from ${shown}`)
              yield* expectError(p.copy(valid, bad), "InvalidPath", `copy to ${shown}`)
            }
            // A listing prefix may be empty or end in "/".
            if (bad !== "" && bad !== "dir/") {
              yield* expectError(Stream.runDrain(p.list({ prefix: bad })), "InvalidPath", `list ${shown}`)
            }
          }
        }))

      it.effect("leaves the previous object when a body stream fails", () =>
        withRoot(Effect.fnUntraced(function*({ at, p, root }) {
          const key = at("atomic.txt")
          yield* putText(p, key, "before")
          const failing = Stream.concat(Stream.make(bytesOf("half of the ")), Stream.fail("body broke" as const))
          const error = yield* Effect.flip(p.put(key, failing))
          assert.strictEqual(error, "body broke", "the put fails with the body's error")
          assert.strictEqual(yield* getText(p, key), "before")
          const fresh = yield* Effect.exit(p.put(at("never.txt"), failing))
          assert.isTrue(Exit.isFailure(fresh))
          assert.deepStrictEqual(yield* listKeys(p, { prefix: `${root}/` }), [key], "no partial or temporary object is visible")
        })))

      it.effect(`streams a large object (${largeObjectBytes} bytes) in and out${checkBounded ? " in bounded memory" : ""}`, () =>
        withRoot(Effect.fnUntraced(function*({ at, p }) {
          const key = at("large.bin")
          const probe = checkBounded ? makeMemoryProbe(Math.max(1, Math.floor(largeObjectBytes / 16))) : undefined
          let written = FNV_START
          const meta = yield* p.put(key, patternStream(largeObjectBytes, (chunk) => {
            written = fnv1a(written, chunk)
            probe?.progress(chunk.byteLength)
          }))
          assert.strictEqual(meta.contentLength, largeObjectBytes)
          assert.strictEqual((yield* p.head(key)).contentLength, largeObjectBytes)
          let length = 0
          let read = FNV_START
          yield* Stream.runForEach(p.read(key), (chunk) =>
            Effect.sync(() => {
              length += chunk.byteLength
              read = fnv1a(read, chunk)
              probe?.progress(chunk.byteLength)
            }))
          assert.strictEqual(length, largeObjectBytes)
          assert.strictEqual(read, written, "the content read back has the checksum of what was written")
          if (probe === undefined) return
          const growth = probe.peakGrowth()
          // Without a collector to call, garbage counts too: only catch whole-object buffering.
          const limit = (probe.exact ? 0.4 : 1) * largeObjectBytes
          assert.isBelow(growth, limit, `live memory grew by ${growth} bytes while moving ${largeObjectBytes}: the object was buffered`)
        })), { timeout: 300_000 })
    })
  })
}
