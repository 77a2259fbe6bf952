import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { StorageConfig } from "../../src/services/StorageConfig.ts"
import { FILESYSTEM_PROFILE_CONFIG } from "../../src/services/StorageConfig.ts"
import { implicitProfile, normalizeLocalPath, resolveUrl, toUrl } from "../../src/services/StorageUrl.ts"

const profile = (base: string) => ({ storage_provider: { type: "file", options: { base_path: base } } })

const config: StorageConfig = {
  file: "/etc/msc_config.yaml",
  profiles: { p: profile("/p"), data: profile("/data"), lustre: profile("/l"), deep: profile("/d"), ckpt: profile("/c") },
  pathMapping: [
    { prefix: "/lustrefs/a/b/deeper/", profile: "deep" },
    { prefix: "s3://bucket/checkpoints/", profile: "ckpt" },
    { prefix: "/lustrefs/a/b/", profile: "lustre" },
    { prefix: "gs://eval/", profile: "data" }
  ]
}
const CWD = "/home/u/work"

const resolve = (url: string) => resolveUrl(url, config, CWD)
const expect = (url: string, profileName: string, key: string) =>
  Effect.map(resolve(url), (resolved) => assert.deepStrictEqual(resolved, { profile: profileName, key }, url))

describe("resolveUrl: msc://", () => {
  it.effect("MSC's examples: runs of '/' collapse, msc:/ is repaired, '?' and '#' stay in the key", () =>
    Effect.gen(function*() {
      yield* expect("msc://__filesystem__/tmp//data///object.bin", "__filesystem__", "tmp/data/object.bin")
      yield* expect("msc:/__filesystem__/etc/resolv.conf", "__filesystem__", "etc/resolv.conf")
      yield* expect("msc://p/dir/file1.tx?", "p", "dir/file1.tx?")
      yield* expect("msc://p/a//b?x=1//2#frag", "p", "a/b?x=1//2#frag")
      yield* expect("msc://p", "p", "")
      yield* expect("msc://p/", "p", "")
      yield* expect("msc://p//dir/", "p", "dir/")
      yield* expect("msc://p?q", "p", "?q")
    }))

  it.effect("implicit profiles can be named directly", () =>
    Effect.gen(function*() {
      yield* expect("msc://_s3-bucket/k", "_s3-bucket", "k")
      yield* expect("msc://__filesystem__/", "__filesystem__", "")
    }))

  it.effect("an unknown profile is NotFound, listing the known ones and the config file", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolve("msc://nope/x"))
      assert.strictEqual(error.reason, "NotFound")
      assert.strictEqual(error.profile, "nope")
      assert.strictEqual(
        error.message,
        "Unknown profile 'nope' in 'msc://nope/x' (config: /etc/msc_config.yaml); known profiles: __filesystem__, ckpt, " +
          "data, deep, lustre, p."
      )
      const implicitUnknown = yield* Effect.flip(resolve("msc://_ftp-host/x"))
      assert.strictEqual(implicitUnknown.reason, "NotFound")
    }))

  it.effect("a missing profile name is InvalidPath naming the URL", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolve("msc:///x"))
      assert.strictEqual(error.reason, "InvalidPath")
      assert.strictEqual(error.message, "Cannot resolve the URL 'msc:///x': it names no profile (expected msc://profile/path).")
    }))
})

describe("resolveUrl: local paths", () => {
  it.effect("absolute paths go to __filesystem__, normalised lexically", () =>
    Effect.gen(function*() {
      yield* expect("/etc/hosts", "__filesystem__", "etc/hosts")
      yield* expect("/////etc/", "__filesystem__", "etc")
      yield* expect("//etc/", "__filesystem__", "etc")
      yield* expect("/a/./b/../c//d", "__filesystem__", "a/c/d")
      yield* expect("/../../etc/passwd", "__filesystem__", "etc/passwd")
      yield* expect("/", "__filesystem__", "")
    }))

  it.effect("relative paths are resolved against cwd", () =>
    Effect.gen(function*() {
      yield* expect("data/x.csv", "__filesystem__", "home/u/work/data/x.csv")
      yield* expect("./x", "__filesystem__", "home/u/work/x")
      yield* expect("../other/x", "__filesystem__", "home/u/other/x")
      yield* expect(".", "__filesystem__", "home/u/work")
      yield* expect("", "__filesystem__", "home/u/work")
      // Without "://" a colon is part of a file name.
      yield* expect("notes:v1.txt", "__filesystem__", "home/u/work/notes:v1.txt")
    }))

  it.effect("file:// URLs are local absolute paths; a host other than localhost is refused", () =>
    Effect.gen(function*() {
      yield* expect("file:///tmp/a//b.txt", "__filesystem__", "tmp/a/b.txt")
      yield* expect("file://localhost/tmp/x", "__filesystem__", "tmp/x")
      yield* expect("FILE:///tmp", "__filesystem__", "tmp")
      const error = yield* Effect.flip(resolve("file://server/share/x"))
      assert.strictEqual(error.reason, "InvalidPath")
      assert.include(error.message, "'file://server/share/x'")
    }))

  it.effect("path_mapping: longest prefix first, key relative to the prefix", () =>
    Effect.gen(function*() {
      yield* expect("/lustrefs/a/b/file.txt", "lustre", "file.txt")
      yield* expect("/lustrefs/a/b/deeper/x/y", "deep", "x/y")
      yield* expect("/lustrefs/a/b/deeperx", "lustre", "deeperx")
      yield* expect("/lustrefs/a/b", "lustre", "")
      yield* expect("/lustrefs/a/b//c/../d", "lustre", "d")
      yield* expect("/lustrefs/a/bc", "__filesystem__", "lustrefs/a/bc")
      yield* expect("file:///lustrefs/a/b/f", "lustre", "f")
      yield* expect("s3://bucket/checkpoints/step1/w.pt", "ckpt", "step1/w.pt")
      yield* expect("s3://bucket/other/w.pt", "_s3-bucket", "other/w.pt")
      yield* expect("gs://eval/runs/1", "data", "runs/1")
      const relative = resolveUrl("b/x", config, "/lustrefs/a")
      assert.deepStrictEqual(yield* relative, { profile: "lustre", key: "x" })
    }))

  it.effect("a mapping to a profile the config lacks is NotFound (configs built in code)", () =>
    Effect.gen(function*() {
      const broken: StorageConfig = { profiles: {}, pathMapping: [{ prefix: "/m/", profile: "gone" }] }
      const error = yield* Effect.flip(resolveUrl("/m/x", broken, CWD))
      assert.strictEqual(error.reason, "NotFound")
      assert.include(error.message, "'gone'")
    }))
})

describe("resolveUrl: object store URLs", () => {
  it.effect("s3, gs, ais and az make implicit profiles", () =>
    Effect.gen(function*() {
      yield* expect("s3://my-bucket/a/b.parquet", "_s3-my-bucket", "a/b.parquet")
      yield* expect("gs://gbucket/x", "_gs-gbucket", "x")
      yield* expect("ais://abucket/x/y", "_ais-abucket", "x/y")
      yield* expect("az://container/blob.bin", "_az-container", "blob.bin")
      yield* expect("S3://b", "_s3-b", "")
      yield* expect("s3://b/", "_s3-b", "")
      yield* expect("s3://b/a?v=1", "_s3-b", "a?v=1")
    }))

  it.effect("a missing bucket or an unknown scheme is InvalidPath naming the URL", () =>
    Effect.gen(function*() {
      const noBucket = yield* Effect.flip(resolve("s3:///key"))
      assert.strictEqual(noBucket.reason, "InvalidPath")
      assert.strictEqual(
        noBucket.message,
        "Cannot resolve the URL 's3:///key': a bucket name is required for s3:// URLs (s3://bucket/key)."
      )
      for (const url of ["ftp://host/x", "http://example.com/a", "https://x/y"]) {
        const error = yield* Effect.flip(resolve(url))
        assert.strictEqual(error.reason, "InvalidPath", url)
        assert.include(error.message, `'${url}'`)
        assert.include(error.message, "is not supported")
      }
    }))
})

describe("implicitProfile and toUrl", () => {
  it("builds implicit profiles for the supported schemes only", () => {
    assert.deepStrictEqual(implicitProfile("_s3-b"), { storage_provider: { type: "s3", options: { base_path: "b" } } })
    assert.deepStrictEqual(implicitProfile("_gs-b"), { storage_provider: { type: "gcs", options: { base_path: "b" } } })
    assert.deepStrictEqual(implicitProfile("_ais-b"), { storage_provider: { type: "ais", options: { base_path: "b" } } })
    assert.deepStrictEqual(implicitProfile("_az-c-1"), {
      storage_provider: { type: "azure", options: { base_path: "c-1" } }
    })
    assert.deepStrictEqual(implicitProfile("__filesystem__"), FILESYSTEM_PROFILE_CONFIG)
    for (const name of ["_ftp-b", "_s3-", "s3-b", "_s3b", "_constructor-x", "p"]) {
      assert.strictEqual(implicitProfile(name), undefined, name)
    }
  })

  it("toUrl gives msc:// URLs, and absolute paths for __filesystem__", () => {
    assert.strictEqual(toUrl("p", "a/b.txt"), "msc://p/a/b.txt")
    assert.strictEqual(toUrl("_s3-b", "k"), "msc://_s3-b/k")
    assert.strictEqual(toUrl("__filesystem__", "tmp/x"), "/tmp/x")
  })

  it.effect("toUrl and resolveUrl round-trip", () =>
    Effect.gen(function*() {
      for (const [name, key] of [["p", "a/b.txt"], ["__filesystem__", "tmp/x"], ["_gs-b", "x/y"]] as const) {
        assert.deepStrictEqual(yield* resolve(toUrl(name, key)), { profile: name, key })
      }
    }))

  it("normalizeLocalPath never climbs above /", () => {
    assert.strictEqual(normalizeLocalPath("/a", "../../.."), "/")
    assert.strictEqual(normalizeLocalPath("/a/b", "./c/"), "/a/b/c")
  })
})
