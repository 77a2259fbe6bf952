/**
 * The `MetadataProvider` contract as a behaviour suite that every metadata
 * provider runs:
 *
 * ```ts
 * testMetadataProvider("my-ledger", MyLedger.make({ writable: true }))
 * ```
 *
 * `make` must give a fresh, empty, writable provider each time. What a
 * provider promises:
 *
 * - **Two phases**: `add` and `remove` are pending: `list`, `info` and
 *   `realpath` show the committed state until `commit`; `info` with
 *   `includePending` shows pending adds and hides pending removes.
 * - **Paths**: `realpath` of a committed path gives the physical path it was
 *   added with (`exists`), of anything else the path itself (`untracked`).
 *   Removing an untracked path fails with `NotFound`.
 * - **Listings** follow `StorageProvider.list`: S3 byte order, raw `prefix`,
 *   `startAfter` exclusive, `endAt` inclusive, `includeDirectories` one level
 *   deep (directories as `type: "directory"`, no trailing "/").
 * - **info** of a directory (a prefix of recorded keys, with or without a
 *   trailing "/") is a directory record keyed with a trailing "/"; of nothing,
 *   `NotFound`. Sizes, times and attributes come back as added.
 * - Without `allowOverwrites`, adding a committed path fails with
 *   `AlreadyExists`.
 *
 * @since 0.1.0
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import type { Scope } from "effect"
import type { MetadataProviderShape } from "../services/MetadataProvider.ts"
import type { ObjectMetadata } from "../services/StorageProvider.ts"

const file = (key: string, size = 1, metadata?: Record<string, string>): ObjectMetadata => ({
  key,
  contentLength: size,
  lastModified: new Date("2026-01-02T03:04:05.000Z"),
  type: "file",
  ...(metadata === undefined ? {} : { metadata })
})

const keysOf = (provider: MetadataProviderShape, options?: Parameters<MetadataProviderShape["list"]>[0]) =>
  Effect.map(Stream.runCollect(provider.list(options)), (entries) => entries.map((entry) => entry.key))

const withCommitted = (provider: MetadataProviderShape, keys: ReadonlyArray<string>) =>
  Effect.andThen(Effect.forEach(keys, (key) => provider.add(key, file(key)), { discard: true }), provider.commit)

/**
 * Runs the suite against providers from `make`.
 *
 * @since 0.1.0
 * @category suites
 */
export const testMetadataProvider = <E>(name: string, make: Effect.Effect<MetadataProviderShape, E, Scope.Scope>) =>
  describe(`MetadataProvider behaviour: ${name}`, () => {
    const fresh = make.pipe(Effect.orDie)

    it.effect("starts empty", () =>
      Effect.gen(function*() {
        const provider = yield* fresh
        assert.deepStrictEqual(yield* keysOf(provider), [])
        assert.strictEqual((yield* Effect.flip(provider.info("a"))).reason, "NotFound")
        assert.deepStrictEqual(yield* provider.realpath("a"), { physicalPath: "a", state: "untracked" })
      }))

    it.effect("adds are pending until commit", () =>
      Effect.gen(function*() {
        const provider = yield* fresh
        yield* provider.add("b", file("physical/b", 2, { k: "v" }))
        yield* provider.add("a", file("a", 1), "physical/a")
        assert.deepStrictEqual(yield* keysOf(provider), [])
        assert.strictEqual((yield* Effect.flip(provider.info("b"))).reason, "NotFound")
        assert.strictEqual((yield* provider.info("b", { includePending: true })).contentLength, 2)
        assert.strictEqual((yield* provider.realpath("a")).state, "untracked")
        yield* provider.commit
        assert.deepStrictEqual(yield* keysOf(provider), ["a", "b"])
        assert.deepStrictEqual(yield* provider.realpath("a"), { physicalPath: "physical/a", state: "exists" })
        assert.deepStrictEqual(yield* provider.realpath("b"), { physicalPath: "physical/b", state: "exists" })
        const b = yield* provider.info("b")
        assert.deepStrictEqual([b.key, b.contentLength, b.lastModified.getTime(), b.metadata], [
          "b",
          2,
          Date.UTC(2026, 0, 2, 3, 4, 5),
          { k: "v" }
        ])
      }))

    it.effect("removes are pending until commit; an untracked path cannot be removed", () =>
      Effect.gen(function*() {
        const provider = yield* fresh
        yield* withCommitted(provider, ["a", "b"])
        yield* provider.remove("a")
        assert.deepStrictEqual(yield* keysOf(provider), ["a", "b"])
        assert.strictEqual((yield* Effect.flip(provider.info("a", { includePending: true }))).reason, "NotFound")
        yield* provider.commit
        assert.deepStrictEqual(yield* keysOf(provider), ["b"])
        assert.strictEqual((yield* provider.realpath("a")).state, "untracked")
        assert.strictEqual((yield* Effect.flip(provider.remove("nothing"))).reason, "NotFound")
      }))

    it.effect("lists in S3 order with prefix, bounds and one-level directories", () =>
      Effect.gen(function*() {
        const provider = yield* fresh
        yield* withCommitted(provider, ["z", "a/c/d.txt", "a.txt", "a/b.txt", "a-b/x", "\u{E000}", "\u{1F600}"])
        assert.deepStrictEqual(yield* keysOf(provider), ["a-b/x", "a.txt", "a/b.txt", "a/c/d.txt", "z", "\u{E000}", "\u{1F600}"])
        assert.deepStrictEqual(yield* keysOf(provider, { prefix: "a/" }), ["a/b.txt", "a/c/d.txt"])
        assert.deepStrictEqual(yield* keysOf(provider, { prefix: "a" }), ["a-b/x", "a.txt", "a/b.txt", "a/c/d.txt"])
        assert.deepStrictEqual(yield* keysOf(provider, { startAfter: "a.txt", endAt: "z" }), ["a/b.txt", "a/c/d.txt", "z"])
        const level = yield* Stream.runCollect(provider.list({ prefix: "a/", includeDirectories: true }))
        assert.deepStrictEqual(level.map((e) => [e.key, e.type]).toSorted(), [["a/b.txt", "file"], ["a/c", "directory"]])
        const root = yield* Stream.runCollect(provider.list({ includeDirectories: true }))
        assert.deepStrictEqual(root.map((e) => e.key).toSorted(), ["a", "a-b", "a.txt", "z", "\u{E000}", "\u{1F600}"].toSorted())
      }))

    it.effect("info of a directory is a directory record", () =>
      Effect.gen(function*() {
        const provider = yield* fresh
        yield* withCommitted(provider, ["a/c/d.txt"])
        for (const path of ["a", "a/", "a/c"]) {
          const info = yield* provider.info(path)
          assert.deepStrictEqual([info.key, info.type, info.contentLength], [`${path.replace(/\/$/, "")}/`, "directory", 0])
        }
        assert.strictEqual((yield* Effect.flip(provider.info("a/c/d"))).reason, "NotFound")
      }))

    it.effect("a committed path is not overwritten unless overwrites are allowed", () =>
      Effect.gen(function*() {
        const provider = yield* fresh
        yield* withCommitted(provider, ["a"])
        const again = yield* Effect.result(provider.add("a", file("a", 9)))
        if (provider.allowOverwrites) {
          assert.isTrue(again._tag === "Success")
        } else {
          assert.isTrue(again._tag === "Failure" && again.failure.reason === "AlreadyExists")
        }
      }))
  })
