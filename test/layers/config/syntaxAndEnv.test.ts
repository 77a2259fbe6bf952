import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { expandString, isSecretKey, parseConfigText } from "../../../src/layers/StorageConfigLoader.ts"
import { lines, yaml } from "./fixtures.ts"

const FILE = "/home/u/.msc_config.yaml"

/** The error of parsing `text`, which must fail. */
const failure = (text: string, options: { format?: "yaml" | "json"; env?: Record<string, string> } = {}) =>
  Effect.flip(parseConfigText(text, options.format === "json" ? "/etc/msc.json" : FILE, options.format ?? "yaml", {
    env: options.env
  }))


describe("parseConfigText: syntax errors", () => {
  it.effect("malformed YAML names file, line and column", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("profiles:", "  a:", "    b: 1", "   c: 2"))
      assert.strictEqual(error.file, FILE)
      assert.strictEqual(error.line, 4)
      assert.match(error.message, /^\/home\/u\/\.msc_config\.yaml:4:\d+: malformed YAML: /)
    }))

  it.effect("a repeated key and an alias without anchor are errors", () =>
    Effect.gen(function*() {
      const repeated = yield* failure(yaml("cache: {}", "cache: {}"))
      assert.strictEqual(repeated.line, 2)
      assert.include(repeated.message, "unique")
      const alias = yield* failure(yaml("cache: *c"))
      assert.strictEqual(alias.message, `${FILE}:1:8: malformed YAML: alias *c has no anchor &c before it.`)
    }))

  it.effect("malformed JSON names line and column, with or without V8's position", () =>
    Effect.gen(function*() {
      const comma = yield* failure("{\n  \"profiles\": {\n    \"a\": 1,\n  }\n}", { format: "json" })
      assert.strictEqual(comma.message, "/etc/msc.json:4:3: malformed JSON: Expected double-quoted property name.")
      const array = yield* failure("{\"include\": [\n  \"a\",\n]}", { format: "json" })
      assert.strictEqual(array.line, 3)
      assert.strictEqual(array.column, 1)
      const truncated = yield* failure("{\"include\": [", { format: "json" })
      assert.strictEqual(truncated.line, 1)
    }))

  it.effect("a document that is not a mapping", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("- a", "- b"))
      assert.strictEqual(error.message, `${FILE}:1:1: expected a mapping, got a list.`)
    }))
})

describe("parseConfigText: environment variables", () => {
  it.effect("an unresolved variable is an error naming it and the JSON path, never the value", () =>
    Effect.gen(function*() {
      const error = yield* failure(
        yaml(
          "profiles:",
          "  p:",
          "    storage_provider: {type: s3, options: {base_path: \"${BUCKET}\"}}",
          "    credentials_provider:",
          "      type: S3Credentials",
          "      options: {access_key: AKIA, secret_key: \"abc$SECRET_TAIL\"}"
        ),
        { env: { HOME: "/home/u" } }
      )
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:3:55: profiles.p.storage_provider.options.base_path: unresolved environment variable \${BUCKET} (it is not set).`,
        `${FILE}:6:47: profiles.p.credentials_provider.options.secret_key: unresolved environment variable $SECRET_TAIL ` +
        `(it is not set).`
      ])
      assert.notInclude(error.message, "abc")
      assert.strictEqual(error.path, "profiles.p.storage_provider.options.base_path")
    }))

  it.effect("several variables in one string are named together; the schema is checked on expanded values", () =>
    Effect.gen(function*() {
      const error = yield* failure(yaml("cache:", "  location: $A/${B}", "  size: $SIZE"), { env: { SIZE: "lots" } })
      assert.deepStrictEqual(lines(error.message), [
        `${FILE}:2:13: cache.location: unresolved environment variables $A, \${B} (they are not set).`,
        `${FILE}:3:9: cache.size: expected a size such as 512M, 10G or 1T (digits, then M, G or T), got 'lots'.`
      ])
    }))
})

describe("expandString", () => {
  it("substitutes set variables (even empty ones) and reports unset ones as MSC does", () => {
    const env = { A: "x", EMPTY: "", B_2: "y" }
    assert.deepStrictEqual(expandString("$A/${A}/$B_2/${EMPTY}|", env), { text: "x/x/y/|", unresolved: [] })
    // `$NAME` takes the longest word: $AB is not $A followed by B.
    assert.deepStrictEqual(expandString("$AB", env), { text: "$AB", unresolved: ["$AB"] })
    // Not variable references in MSC's sense: kept as written, no error.
    assert.deepStrictEqual(expandString("cost $5, ${}, a lone $ and $-x", env), {
      text: "cost $5, ${}, a lone $ and $-x",
      unresolved: []
    })
    assert.deepStrictEqual(expandString("${5} $_u", env), { text: "${5} $_u", unresolved: ["${5}", "$_u"] })
    // An inherited property name is not a variable.
    assert.deepStrictEqual(expandString("$constructor", env).unresolved, ["$constructor"])
  })
})

describe("isSecretKey", () => {
  it("matches credential keys and not ordinary options", () => {
    for (const key of ["secret_key", "access_key", "session_token", "connection", "password", "token", "api_key",
      "AccountKey", "secretAccessKey", "connection_string", "private_key", "Authorization"]) {
      assert.isTrue(isSecretKey(key), key)
    }
    for (const key of ["base_path", "max_pool_connections", "client_key_file", "region_name", "endpoint_url", "type"]) {
      assert.isFalse(isSecretKey(key), key)
    }
  })
})
