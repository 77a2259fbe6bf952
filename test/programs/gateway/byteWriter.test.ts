import { assert, describe, it } from "@effect/vitest"
import { BufferPool, ByteWriter, utf8 } from "../../../src/programs/gateway/byteWriter.ts"
import { uuidRandomness, uuidString } from "../../../src/programs/gateway/uuid.ts"

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe("ByteWriter", () => {
  it("writes constant bytes, byte ranges and strings (non-ASCII as UTF-8), growing past its capacity", () => {
    const writer = new ByteWriter(4)
    const body = Buffer.from(`{"a":"é"}\n{"b":"☕"}\n`)
    writer.bytes(utf8("["))
    writer.range(body, 0, 10)
    writer.text(",")
    writer.range(body, 11, body.length - 1)
    writer.text(`,"${"x".repeat(300)}","ü ☕"`)
    for (const n of [0, 7, 10, 999, 1000, 123456789, -3, 1.5]) {
      writer.text(",")
      writer.integer(n)
    }
    writer.text("]")
    assert.strictEqual(decode(writer.done()), `[{"a":"é"},{"b":"☕"},"${"x".repeat(300)}","ü ☕",0,7,10,999,1000,123456789,-3,1.5]`)
  })

  it("gives a plain Uint8Array, whose slice() is a copy (a Buffer's would share the pooled memory)", () => {
    const writer = new ByteWriter(16, new BufferPool(1))
    writer.text("abc")
    const bytes = writer.done()
    assert.strictEqual(Buffer.isBuffer(bytes), false)
    const copy = bytes.slice()
    bytes[0] = 120
    assert.strictEqual(decode(copy), "abc")
  })
})

describe("BufferPool", () => {
  it("hands back a released buffer big enough for the next writer, and keeps at most `keep` buffers", () => {
    const pool = new BufferPool(1)
    const first = new ByteWriter(5000, pool)
    first.text("first")
    const bytes = first.done()
    assert.strictEqual(bytes.buffer.byteLength >= 8192, true) // rounded up to a power of two
    first.release()
    const second = new ByteWriter(6000, pool)
    second.text("second")
    assert.strictEqual(second.done().buffer, bytes.buffer) // the same memory, reused
    const third = new ByteWriter(100_000, pool)
    assert.notStrictEqual(third.done().buffer, bytes.buffer) // too small: a new one
    second.release()
    third.release() // beyond `keep`: dropped
    assert.strictEqual(new ByteWriter(100_000, pool).done().buffer === third.done().buffer, false)
  })
})

describe("uuid", () => {
  const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

  it("gives version 4 UUIDs, the same for the same index, written or as a string", () => {
    const random = uuidRandomness(3)
    const texts = [0, 1, 2].map((i) => uuidString(random, i))
    for (const text of texts) assert.match(text, V4)
    assert.strictEqual(new Set(texts).size, 3)
    const writer = new ByteWriter(0)
    writer.uuid(random, 1)
    assert.strictEqual(decode(writer.done()), texts[1])
    // Version and variant bits are set whatever the random bytes were.
    assert.match(uuidString(Buffer.alloc(16, 0xff), 0), V4)
    assert.strictEqual(uuidString(Buffer.alloc(16, 0), 0), "00000000-0000-4000-8000-000000000000")
  })

  it("writes every random byte in order as two hex digits, only the version and variant bits changed", () => {
    const random = Buffer.from("00112233445566778899aabbccddeefff0e1d2c3b4a5968778695a4b3c2d1e0f", "hex")
    assert.strictEqual(uuidString(random, 0), "00112233-4455-4677-8899-aabbccddeeff")
    assert.strictEqual(uuidString(random, 1), "f0e1d2c3-b4a5-4687-b869-5a4b3c2d1e0f")
  })

  it("writes a UUID over a template's slot (rows copied whole, ids filled in), only over bytes already written", () => {
    const random = uuidRandomness(2)
    const writer = new ByteWriter(8, new BufferPool(1))
    writer.text("x")
    const at = writer.bytes(utf8(`{"id":"${"0".repeat(36)}"}`))
    assert.strictEqual(at, 1)
    writer.uuidAt(at + 7, random, 1)
    assert.strictEqual(decode(writer.done()), `x{"id":"${uuidString(random, 1)}"}`)
    assert.throws(() => writer.uuidAt(at + 10, random, 0), /No 36 written bytes at 11/)
  })
})
