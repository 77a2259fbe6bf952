import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { formatIndex, formatPart, partPath, versionFolder } from "../../../src/providers/metadata/manifestFormat.ts"
import { checkPartFormat, parseIndex, parsePart } from "../../../src/providers/metadata/manifestParse.ts"
import { DOC_PART, INDEX, MSC_LINES } from "./mscManifestFixture.ts"

const FILE = "msc://data/.msc_manifests/v/parts/msc_manifest_part000001.jsonl"

const failureOf = <A, E>(result: Result.Result<A, E>): E => {
  if (Result.isSuccess(result)) throw new Error("expected a failure")
  return result.failure
}

describe("manifest format", () => {
  it("reads MSC's lines and writes them back byte for byte", () => {
    const records = Result.getOrThrow(parsePart(MSC_LINES.join("\n"), FILE))
    assert.strictEqual(records.length, 4)
    const [first, second, link, accented] = records
    assert.deepStrictEqual(first!.meta, {
      key: "train/cat-001.jpg",
      contentLength: 1048576,
      lastModified: new Date("2024-09-05T15:45:00.000Z"),
      type: "file",
      etag: "9b2cf535f27731c974343645a3985328"
    })
    assert.strictEqual(second!.physicalPath, "blobs/7f3a")
    assert.strictEqual(second!.meta.contentType, "image/jpeg")
    assert.deepStrictEqual(second!.meta.metadata, { label: "cat", score: "0.5" })
    assert.strictEqual(second!.meta.lastModified.toISOString(), "2024-09-05T15:46:00.250Z")
    assert.strictEqual(link!.symlinkTarget, "cat-002.jpg")
    assert.strictEqual(accented!.meta.key, "val/café.jpg")
    assert.strictEqual(accented!.storageClass, "STANDARD")
    assert.strictEqual(formatPart(records), MSC_LINES.join("\n"))
  })

  it("reads the shorter form of MSC's docs; physical_path defaults to the key", () => {
    const records = Result.getOrThrow(parsePart(DOC_PART, FILE))
    assert.deepStrictEqual(records.map((r) => [r.meta.key, r.physicalPath, r.meta.contentLength]), [
      ["train/cat-pic001.jpg", "train/cat-pic001.jpg", 1048576],
      ["train/cat-pic002.jpg", "train/cat-pic002.jpg", 2097152]
    ])
    assert.strictEqual(records[1]!.meta.lastModified.toISOString(), "2024-09-05T15:46:00.000Z")
  })

  it("writes MSC's index, part names and version folders", () => {
    assert.strictEqual(formatIndex([partPath(1)]), INDEX)
    assert.deepStrictEqual(Result.getOrThrow(parseIndex(INDEX, "i.json")), {
      version: "1",
      parts: [{ path: "parts/msc_manifest_part000001.jsonl" }],
      format: "jsonl"
    })
    assert.strictEqual(versionFolder(new Date("2026-11-23T06:59:20.731Z")), "2026-11-23T06:59:20+00:00")
  })

  it("a bad JSONL line is named by file and line", () => {
    const text = [MSC_LINES[0], `{"key": "b", "size_bytes": 1, "last_modified": `, MSC_LINES[1]].join("\n")
    const error = failureOf(parsePart(text!, FILE))
    assert.strictEqual(error.file, FILE)
    assert.strictEqual(error.line, 2)
    assert.match(error.message, /^The manifest file msc:\/\/data\/\.msc_manifests\/v\/parts\/msc_manifest_part000001\.jsonl is malformed at line 2: not valid JSON/)
  })

  it("a line with wrong fields says which, at which line", () => {
    const text = [MSC_LINES[0], `{"key": 7, "size_bytes": -1, "last_modified": "2024-09-05T15:45:00Z"}`].join("\n")
    const error = failureOf(parsePart(text, FILE))
    assert.strictEqual(error.line, 2)
    assert.include(error.message, "at line 2: key: expected string; size_bytes: expected a value greater than or equal to 0")
    const time = failureOf(parsePart(`{"key": "a", "size_bytes": 1, "last_modified": "yesterday"}`, FILE))
    assert.include(time.message, "at line 1: last_modified: expected an ISO-8601 time, got 'yesterday'")
    const missing = failureOf(parsePart(`{"key": "a", "last_modified": "2024-09-05T15:45:00Z"}`, FILE))
    assert.include(missing.message, "size_bytes: Missing key")
  })

  it("an index must be JSON, version \"1\", with parts", () => {
    const bad = failureOf(parseIndex(`{"version": "1",\n "parts" []}`, "msc://d/i.json"))
    assert.strictEqual(bad.line, 2)
    assert.match(bad.message, /^The manifest file msc:\/\/d\/i\.json is malformed at line 2: not valid JSON/)
    const version = failureOf(parseIndex(`{"version": "1.0", "parts": []}`, "i.json"))
    assert.include(version.message, `manifest version '1.0' is not supported (expected "1")`)
    const parts = failureOf(parseIndex(`{"version": "1", "parts": [{"name": "x"}]}`, "i.json"))
    assert.include(parts.message, "parts.0.path: Missing key")
  })

  it("refuses Parquet parts and unknown formats with a sentence", () => {
    assert.isTrue(Result.isSuccess(checkPartFormat("parts/p.jsonl", "parquet", "i.json")))
    assert.include(failureOf(checkPartFormat("parts/p.parquet", "jsonl", "i.json")).message, "is Parquet, which strata does not read")
    assert.include(failureOf(checkPartFormat("parts/p", "parquet", "i.json")).message, "is Parquet")
    assert.include(failureOf(checkPartFormat("parts/p.json", undefined, "i.json")).message, "unsupported format 'json'")
  })
})
