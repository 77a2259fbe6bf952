import { assert, describe, it } from "@effect/vitest"
import { fnmatchRegex, isHiddenKey, makeKeyFilter } from "../../../src/layers/storage/syncFilter.ts"

describe("sync key filter", () => {
  it("matches as Python's fnmatch: * crosses /, classes, no escapes", () => {
    const cases: ReadonlyArray<readonly [string, string, boolean]> = [
      ["*.csv", "a/b/c.csv", true],
      ["a/*", "a/b/c.txt", true],
      ["a?c", "abc", true],
      ["a?c", "a/c", true],
      ["[ab]*", "b.txt", true],
      ["[!ab]*", "b.txt", false],
      ["[!ab]*", "c.txt", true],
      ["[a-c].txt", "d.txt", false],
      ["x[", "x[", true],
      ["a.b", "axb", false],
      ["(x)+", "(x)+", true],
      ["*.txt", "a.txt.bak", false]
    ]
    for (const [pattern, key, expected] of cases) {
      assert.strictEqual(fnmatchRegex(pattern).test(key), expected, `${pattern} vs ${key}`)
    }
  })

  it("finds hidden segments anywhere in a key", () => {
    assert.isTrue(isHiddenKey(".env"))
    assert.isTrue(isHiddenKey("a/.git/HEAD"))
    assert.isFalse(isHiddenKey("a/b.c/d"))
  })

  it("starts excluded with only includes, included otherwise; the last match wins", () => {
    const onlyIncludes = makeKeyFilter([{ kind: "include", glob: "*.csv" }], false)
    assert.isTrue(onlyIncludes("x/y.csv"))
    assert.isFalse(onlyIncludes("x/y.txt"))
    const mixed = makeKeyFilter([{ kind: "exclude", glob: "logs/*" }, { kind: "include", glob: "*.keep" }], false)
    assert.isTrue(mixed("data.bin"))
    assert.isFalse(mixed("logs/run.log"))
    assert.isTrue(mixed("logs/run.keep"))
    assert.isFalse(makeKeyFilter([], false)("a/.hidden"))
    assert.isTrue(makeKeyFilter([], true)("a/.hidden"))
  })
})
