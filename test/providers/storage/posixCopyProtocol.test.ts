import { assert, describe, it } from "@effect/vitest"
import { decodeBatch, decodeReply, encodeBatch } from "../../../src/providers/storage/posixCopyProtocol.ts"

describe("posix copy protocol", () => {
  it("a batch survives its string form, names with newlines, spaces and non-ASCII included", () => {
    const jobs = [
      { source: "/base/a b/line\nbreak.txt", dir: "/base/out/a b", temp: ".line\nbreak.txt.tmp1", name: "line\nbreak.txt" },
      { source: "/base/ünï/ç.bin", dir: "/base/out/ünï", temp: ".ç.bin.tmp2", name: "ç.bin" }
    ]
    assert.deepStrictEqual(decodeBatch(encodeBatch("/base", jobs)), { realBase: "/base", jobs })
    assert.deepStrictEqual(decodeBatch(encodeBatch("/", [])), { realBase: "/", jobs: [] })
  })

  it("a reply gives each job its stamp, or its failure at its index", () => {
    const stamps = new BigUint64Array([11n, 5n, 1_700_000_000_123_456_789n, 1_700_000_000_123n, 0n, 0n, 0n, 0n, 12n, 6n, 7n, 8n])
    const results = decodeReply({ stamps, failures: [[1, "publish", "EISDIR", "rename failed"]] })
    assert.deepStrictEqual(results, [
      { outcome: "copied", stamp: { ino: 11n, size: 5n, mtimeNs: 1_700_000_000_123_456_789n, mtimeMs: 1_700_000_000_123n } },
      { outcome: "publish", code: "EISDIR", message: "rename failed" },
      { outcome: "copied", stamp: { ino: 12n, size: 6n, mtimeNs: 7n, mtimeMs: 8n } }
    ])
  })
})
