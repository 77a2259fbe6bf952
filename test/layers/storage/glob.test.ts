import { assert, describe, it } from "@effect/vitest"
import { compileGlob, hasGlobChars, impliedDirectories, matchGlob, splitGlob } from "../../../src/layers/storage/glob.ts"

const KEYS = [
  "a.txt",
  "a/b.txt",
  "a/c/d.txt",
  "a/c/e.csv",
  "a/.hidden.txt",
  "a/.git/config",
  "b/x1.txt",
  "b/x2.txt",
  "b/y1.txt",
  "b/x10.txt",
  "é/ü.txt",
  "lit[1].txt",
  "star*.txt"
]

const matching = (pattern: string, keys: ReadonlyArray<string> = KEYS): Array<string> => {
  const glob = compileGlob(pattern)
  return keys.filter((key) => matchGlob(glob, key))
}

describe("compileGlob", () => {
  it("* stays within one segment", () => {
    assert.deepStrictEqual(matching("a/*"), ["a/b.txt"])
    assert.deepStrictEqual(matching("*.txt"), ["a.txt", "lit[1].txt", "star*.txt"])
    assert.deepStrictEqual(matching("*/*.txt"), ["a/b.txt", "b/x1.txt", "b/x2.txt", "b/y1.txt", "b/x10.txt", "é/ü.txt"])
  })

  it("** matches any number of segments, including none", () => {
    assert.deepStrictEqual(matching("**/*.txt"), [
      "a.txt",
      "a/b.txt",
      "a/c/d.txt",
      "b/x1.txt",
      "b/x2.txt",
      "b/y1.txt",
      "b/x10.txt",
      "é/ü.txt",
      "lit[1].txt",
      "star*.txt"
    ])
    assert.deepStrictEqual(matching("a/**/*.csv"), ["a/c/e.csv"])
    assert.deepStrictEqual(matching("a/**/**/d.txt"), ["a/c/d.txt"])
  })

  it("a trailing ** is everything below, not the directory itself", () => {
    assert.deepStrictEqual(matching("a/**", [...KEYS, "a", "a/c"]), ["a/b.txt", "a/c/d.txt", "a/c/e.csv", "a/c"])
  })

  it("excludes dot files unless the pattern spells the dot", () => {
    assert.isFalse(matching("a/*").includes("a/.hidden.txt"))
    assert.isFalse(matching("**").some((key) => key.includes("/.")))
    assert.deepStrictEqual(matching("a/.*"), ["a/.hidden.txt"])
    assert.deepStrictEqual(matching("a/.git/*"), ["a/.git/config"])
    assert.deepStrictEqual(matching("**/.*"), ["a/.hidden.txt"])
    assert.isFalse(matchGlob(compileGlob("a/?hidden.txt"), "a/.hidden.txt"))
    assert.isFalse(matchGlob(compileGlob("a/[.]hidden.txt"), "a/.hidden.txt"))
  })

  it("? is exactly one character (a code point), never /", () => {
    assert.deepStrictEqual(matching("b/x?.txt"), ["b/x1.txt", "b/x2.txt"])
    assert.deepStrictEqual(matching("?/?.txt"), ["a/b.txt", "é/ü.txt"])
    assert.isFalse(matchGlob(compileGlob("a?b.txt"), "a/b.txt"))
    assert.isTrue(matchGlob(compileGlob("?.txt"), "😀.txt"))
  })

  it("[...] classes, ranges, negation and POSIX classes", () => {
    assert.deepStrictEqual(matching("b/[xy]1.txt"), ["b/x1.txt", "b/y1.txt"])
    assert.deepStrictEqual(matching("b/x[0-9].txt"), ["b/x1.txt", "b/x2.txt"])
    assert.deepStrictEqual(matching("b/x[!1].txt"), ["b/x2.txt"])
    assert.deepStrictEqual(matching("b/x[^1].txt"), ["b/x2.txt"])
    assert.deepStrictEqual(matching("b/x[[:digit:]][[:digit:]].txt"), ["b/x10.txt"])
    assert.deepStrictEqual(matching("[ab]/b.txt"), ["a/b.txt"])
    assert.isFalse(matchGlob(compileGlob("a[/]b.txt"), "a/b.txt"))
    assert.isFalse(matchGlob(compileGlob("a[!x]b.txt"), "a/b.txt"))
    // "]" first in a class is a member; a reversed range matches nothing.
    assert.isTrue(matchGlob(compileGlob("[]a]"), "]"))
    assert.isFalse(matchGlob(compileGlob("[z-a]"), "m"))
  })

  it("an unclosed [ and escaped characters are literal; regex syntax is not special", () => {
    assert.isTrue(matchGlob(compileGlob("a[b"), "a[b"))
    assert.deepStrictEqual(matching("lit\\[1\\].txt"), ["lit[1].txt"])
    assert.deepStrictEqual(matching("star\\*.txt"), ["star*.txt"])
    assert.isFalse(matchGlob(compileGlob("a.txt"), "abtxt"))
    assert.isTrue(matchGlob(compileGlob("(x)+$.txt"), "(x)+$.txt"))
    assert.isTrue(matchGlob(compileGlob("{a,b}.txt"), "{a,b}.txt"))
    assert.isFalse(matchGlob(compileGlob("{a,b}.txt"), "a.txt"))
  })

  it("a trailing / matches directories only", () => {
    const glob = compileGlob("a/*/")
    assert.isTrue(matchGlob(glob, "a/c", true))
    assert.isFalse(matchGlob(glob, "a/c", false))
  })

  it("matches whole keys only", () => {
    assert.isFalse(matchGlob(compileGlob("b.txt"), "a/b.txt"))
    assert.isFalse(matchGlob(compileGlob("a/b"), "a/b.txt"))
  })
})

describe("splitGlob", () => {
  it("splits at the first segment with glob syntax", () => {
    assert.deepStrictEqual(splitGlob("a/b/*.txt"), { prefix: "a/b/", rest: "*.txt" })
    assert.deepStrictEqual(splitGlob("a/b*/c/*.txt"), { prefix: "a/", rest: "b*/c/*.txt" })
    assert.deepStrictEqual(splitGlob("**/x"), { prefix: "", rest: "**/x" })
    assert.deepStrictEqual(splitGlob("a/{x}/y"), { prefix: "a/", rest: "{x}/y" })
  })

  it("a plain path is its last segment under its parent", () => {
    assert.deepStrictEqual(splitGlob("a/b.txt"), { prefix: "a/", rest: "b.txt" })
    assert.deepStrictEqual(splitGlob("a.txt"), { prefix: "", rest: "a.txt" })
    assert.deepStrictEqual(splitGlob("a/b/"), { prefix: "a/", rest: "b/" })
    assert.deepStrictEqual(splitGlob(""), { prefix: "", rest: "" })
  })

  it("hasGlobChars", () => {
    for (const text of ["*", "?", "[", "]", "{", "}"]) assert.isTrue(hasGlobChars(`a${text}b`), text)
    assert.isFalse(hasGlobChars("a/b.c-d_e"))
  })
})

describe("impliedDirectories", () => {
  it("adds every proper parent once", () => {
    assert.deepStrictEqual(
      [...impliedDirectories(["a/b/c.txt", "a/b/d.txt", "a/e.txt", "f.txt", "g/h/i/j"])].toSorted(),
      ["a", "a/b", "g", "g/h", "g/h/i"]
    )
  })
})
