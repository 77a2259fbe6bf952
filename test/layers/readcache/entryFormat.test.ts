import { assert, describe, it } from "@effect/vitest"
import { crc32 } from "node:zlib"
import {
  BlockChecksummer,
  decodeHeader,
  encodeHeader,
  headerSize
} from "../../../src/layers/readcache/entryFormat.ts"
import { patterned } from "./support.ts"

describe("entry format", () => {
  it("round trips a header, and its size is headerSize", () => {
    const content = patterned(2_500_000)
    const checksums = new BlockChecksummer()
    checksums.update(content)
    const fields = { key: "a/ключ.bin", etag: "\"v1\"", objectSize: 5_000_000, offset: 1_000_000, length: content.length }
    const header = encodeHeader({ ...fields, blockSize: checksums.blockSize, blockChecksums: checksums.finish() })
    assert.strictEqual(header.length, headerSize(fields.key, fields.etag, fields.length))
    const decoded = decodeHeader(header)
    assert.notTypeOf(decoded, "string")
    if (typeof decoded === "string") return
    assert.deepInclude(decoded, fields)
    assert.strictEqual(decoded.blockChecksums.length, 3)
    assert.strictEqual(decoded.blockChecksums[2], crc32(content.subarray(2 * 1024 * 1024)))
  })

  it("block checksums do not depend on how the content was cut", () => {
    const content = patterned(300_000)
    const whole = new BlockChecksummer(65_536)
    whole.update(content)
    const cut = new BlockChecksummer(65_536)
    for (let at = 0; at < content.length; at += 7_777) cut.update(content.subarray(at, at + 7_777))
    assert.deepStrictEqual(cut.finish(), whole.finish())
  })

  it("says what is wrong with a damaged header", () => {
    const header = encodeHeader({
      key: "k",
      etag: "e",
      objectSize: 10,
      offset: 0,
      length: 10,
      blockSize: 1024,
      blockChecksums: Uint32Array.of(1)
    })
    for (let i = 0; i < header.length; i++) {
      const damaged = Buffer.from(header)
      damaged[i] = damaged[i]! ^ 0x01
      assert.typeOf(decodeHeader(damaged), "string", `byte ${i}`)
    }
    assert.strictEqual(decodeHeader(header.subarray(0, 20)), "it is shorter than an entry header")
    assert.strictEqual(decodeHeader(header.subarray(0, header.length - 1)), "its header is truncated")
    assert.strictEqual(decodeHeader(Buffer.alloc(60)), "it has no entry magic number")
  })
})
