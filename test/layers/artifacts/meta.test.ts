import { assert, describe, it } from "@effect/vitest"
import {
  artifactDirIndex,
  artifactDirName,
  buildEvent,
  formatMeta,
  hasFailed,
  hasSucceeded,
  parseMeta,
  specEquals
} from "../../../src/layers/artifacts/meta.ts"

describe("artifact metadata", () => {
  it("accepts Artisan's _meta_.json and rejects anything else", () => {
    const text = `{"spec": {"type": "T", "req": 1}, "events": [{"type": "Start", "timestamp": "2026-11-23T07:04:13.859505"},
      {"type": "Success", "timestamp": "2026-11-23T07:04:14.000001"}]}`
    const meta = parseMeta(text)
    assert.deepStrictEqual(meta?.spec, { type: "T", req: 1 })
    assert.isTrue(meta !== undefined && hasSucceeded(meta))
    for (const bad of ["", "[]", "{\"spec\": [], \"events\": []}", "{\"spec\": {}, \"events\": [{\"type\": 1, \"timestamp\": \"x\"}]}", "{\"spec\": {}}"]) {
      assert.isUndefined(parseMeta(bad), bad)
    }
  })

  it("writes 2-space JSON and stamps events in local time with microseconds", () => {
    const event = buildEvent("Failure", new Date(2026, 10, 23, 7, 4, 13, 859), "boom")
    assert.deepStrictEqual(event, { type: "Failure", timestamp: "2026-11-23T07:04:13.859000", message: "boom" })
    const meta = { spec: { type: "T" }, events: [event] }
    assert.strictEqual(formatMeta(meta), `{\n  "spec": {\n    "type": "T"\n  },\n  "events": [\n    {\n      "type": "Failure",\n      "timestamp": "2026-11-23T07:04:13.859000",\n      "message": "boom"\n    }\n  ]\n}\n`)
    assert.isTrue(hasFailed(meta))
    assert.isFalse(hasSucceeded(meta))
  })

  it("matches specs deeply, ignoring key order, never true to 1", () => {
    assert.isTrue(specEquals({ type: "T", a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2.0 }], type: "T" }))
    assert.isFalse(specEquals({ flag: true }, { flag: 1 }))
    assert.isFalse(specEquals({ a: [1, 2] }, { a: [2, 1] }))
    assert.isFalse(specEquals({ a: 1 }, { a: 1, b: undefined }))
    assert.isFalse(specEquals({ a: "1" }, { a: 1 }))
    assert.isFalse(specEquals([], {}))
  })

  it("names new directories with four hex digits", () => {
    assert.deepStrictEqual([0, 9, 10, 255, 65536].map((i) => artifactDirName("Train", i)), [
      "Train_0000",
      "Train_0009",
      "Train_000a",
      "Train_00ff",
      "Train_10000"
    ])
  })
  it("reads the index back from a directory name, treating the type name literally", () => {
    assert.deepStrictEqual(["Train_0000", "Train_000a", "Train_10000", "Train_00g0", "Train_001", "Trainx_0001"].map((name) => artifactDirIndex("Train", name)), [
      0,
      10,
      65536,
      undefined,
      undefined,
      undefined
    ])
    // A `.` in a type name is not "any character".
    assert.strictEqual(artifactDirIndex("a.b", "axb_0001"), undefined)
    assert.strictEqual(artifactDirIndex("a.b", "a.b_0001"), 1)
  })
})
