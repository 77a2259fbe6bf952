import { assert, describe, it } from "@effect/vitest"
import { CborError, decode, encode, NdArray, SimpleValue, Tagged } from "../../../src/layers/artifacts/cbor.ts"

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const fromHex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"))

describe("cbor", () => {
  it("writes RFC 8949 Appendix A vectors in preferred form", () => {
    const vectors: ReadonlyArray<[unknown, string]> = [
      [0, "00"], [23, "17"], [24, "1818"], [1000, "1903e8"], [1000000, "1a000f4240"],
      [1000000000000, "1b000000e8d4a51000"], [18446744073709551615n, "1bffffffffffffffff"],
      [18446744073709551616n, "c249010000000000000000"], [-18446744073709551617n, "c349010000000000000000"],
      [-1, "20"], [-1000, "3903e7"], [1.1, "fb3ff199999999999a"], [-0, "fb8000000000000000"],
      [false, "f4"], [true, "f5"], [null, "f6"], [undefined, "f7"], ["", "60"], ["IETF", "6449455446"],
      ["\u00fc", "62c3bc"], [[1, [2, 3], [4, 5]], "8301820203820405"], [{ a: 1, b: [2, 3] }, "a26161016162820203"],
      [new Uint8Array([1, 2, 3, 4]), "4401020304"], [new Date("2013-03-21T20:04:00.000Z"), "c0781832303133"]
    ]
    for (const [value, expected] of vectors) {
      assert.isTrue(hex(encode(value)).startsWith(expected), `${String(value)} -> ${hex(encode(value))}`)
    }
  })

  it("reads every major type, indefinite lengths and floats of each width", () => {
    assert.strictEqual(decode(fromHex("f93c00")), 1)
    assert.strictEqual(decode(fromHex("f97bff")), 65504)
    assert.strictEqual(decode(fromHex("fa47c35000")), 100000)
    assert.strictEqual(decode(fromHex("f97c00")), Infinity)
    assert.isNaN(decode(fromHex("f97e00")) as number)
    assert.deepStrictEqual(decode(fromHex("9f018202039f0405ffff")), [1, [2, 3], [4, 5]])
    assert.deepStrictEqual(decode(fromHex("bf61610161629f0203ffff")), { a: 1, b: [2, 3] })
    assert.strictEqual(decode(fromHex("7f657374726561646d696e67ff")), "streaming")
    assert.deepStrictEqual(decode(fromHex("5f42010243030405ff")), new Uint8Array([1, 2, 3, 4, 5]))
    assert.deepStrictEqual(decode(fromHex("a201020304")), new Map([[1, 2], [3, 4]]))
    assert.strictEqual((decode(fromHex("c11a514b67b0")) as Date).toISOString(), "2013-03-21T20:04:00.000Z")
    assert.deepStrictEqual(decode(fromHex("d82076687474703a2f2f7777772e6578616d706c652e636f6d")), new Tagged(32, "http://www.example.com"))
    assert.deepStrictEqual(decode(fromHex("f0")), new SimpleValue(16))
    assert.strictEqual(hex(encode(new SimpleValue(16))), "f0")
  })

  it("round-trips JSON-like values, bigints and dates", () => {
    const value = {
      name: "run-7",
      sizes: [0, 1, -1, 255, 65536, 2 ** 40, -(2 ** 40), 0.5, Number.MAX_SAFE_INTEGER],
      nested: { ok: true, none: null, when: new Date("2026-11-23T13:00:00.123Z") },
      big: 2n ** 70n,
      text: "naïve ☃ \u{1F600}"
    }
    assert.deepStrictEqual(decode(encode(value)), value)
  })

  it("writes typed arrays in Artisan's tag-40 layout with 8-byte counts", () => {
    const bytes = encode(Float32Array.of(1, 2))
    assert.strictEqual(
      hex(bytes),
      ["d828", "82", "81", "1b0000000000000002", "d855", "5b0000000000000008", "0000803f", "00000040"].join("")
    )
    const read = decode(bytes) as NdArray
    assert.deepStrictEqual(read.shape, [2])
    assert.deepStrictEqual(read.data, Float32Array.of(1, 2))
    const matrix = new NdArray([2, 3], Int32Array.of(1, 2, 3, 4, 5, 6))
    assert.deepStrictEqual(decode(encode(matrix)), matrix)
    assert.strictEqual(hex(encode(new NdArray([1], Uint8Array.of(7)))).slice(26, 30), "d844", "uint8 uses tag 68")
    for (const data of [Int8Array.of(-1), Uint16Array.of(65535), Int16Array.of(-2), Uint32Array.of(4e9), Float64Array.of(0.1), BigInt64Array.of(-3n), BigUint64Array.of(2n ** 63n)]) {
      assert.deepStrictEqual((decode(encode(data)) as NdArray).data, data)
    }
  })

  it("reads big-endian and half-float typed arrays", () => {
    assert.deepStrictEqual(decode(fromHex("d84a 48 00000001 fffffffe")), Int32Array.of(1, -2))
    assert.deepStrictEqual(decode(fromHex("d852 48 3ff0000000000000")), Float64Array.of(1))
    assert.deepStrictEqual(decode(fromHex("d854 44 003c 00c0")), Float32Array.of(1, -2))
  })

  it("keeps a __proto__ key as data", () => {
    const value = decode(fromHex("a1695f5f70726f746f5f5f01")) as Record<string, unknown>
    assert.strictEqual(Object.getPrototypeOf(value), Object.prototype)
    assert.strictEqual(value["__proto__"], 1)
  })

  it("rejects damaged data with a CborError naming the offset", () => {
    const cases: ReadonlyArray<[string, RegExp]> = [
      ["", /ends 1 byte/],
      ["8301", /An array of 3 item\(s\) is longer than the data/],
      ["62c3", /longer than the data/],
      ["62ffff", /not valid UTF-8/],
      ["1c", /Reserved/],
      ["ff", /break byte/],
      ["0001", /follow the item/],
      ["9bffffffffffffffff", /longer than the data/],
      ["d828820141ff", /shape/],
      ["d82882814101d84441ff", /shape/],
      ["d828828102d84441ff", /holds 2 elements, not 1/],
      ["d855430102 03", /4-byte elements/]
    ]
    for (const [input, message] of cases) {
      try {
        decode(fromHex(input))
        assert.fail(`${input} decoded`)
      } catch (error) {
        assert.instanceOf(error, CborError, input)
        assert.match((error as CborError).message, message, input)
      }
    }
  })

  it("never throws anything but CborError on random bytes", () => {
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    for (let round = 0; round < 5000; round++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 24) }, () => Math.floor(random() * 256))
      try {
        decode(bytes)
      } catch (error) {
        if (!(error instanceof CborError)) throw new Error(`${hex(bytes)}: ${String(error)}`, { cause: error })
      }
    }
  })
})
