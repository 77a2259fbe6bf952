import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Schema } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Environment from "../../../src/providers/credentials/environment.ts"
import * as FileBased from "../../../src/providers/credentials/fileBased.ts"
import * as Static from "../../../src/providers/credentials/static.ts"
import { CredentialsError } from "../../../src/services/Credentials.ts"

const SECRET = "s3cr3t-value-that-must-not-leak"

const scratchFile = (content: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-creds-"))
  const file = path.join(dir, "credentials.json")
  fs.writeFileSync(file, content)
  return file
}

const expectCredentialsError = <A>(effect: Effect.Effect<A, CredentialsError>, reason: CredentialsError["reason"]) =>
  Effect.map(Effect.flip(effect), (error) => {
    assert.instanceOf(error, CredentialsError)
    assert.strictEqual(error.reason, reason, error.message)
    assert.notInclude(error.message, SECRET)
    assert.notInclude(String(error), SECRET)
    return error
  })

describe("S3Credentials (static)", () => {
  it.effect("decodes MSC options into Redacted credentials", () =>
    Effect.gen(function*() {
      const options = yield* Schema.decodeUnknownEffect(Static.S3CredentialsOptions)({
        access_key: "AKIA",
        secret_key: SECRET,
        session_token: "tok"
      })
      const provider = yield* Static.factory.make(options, { profile: "p" })
      const credentials = yield* provider.get
      assert.strictEqual(Redacted.value(credentials.accessKey), "AKIA")
      assert.strictEqual(Redacted.value(credentials.secretKey), SECRET)
      assert.strictEqual(Redacted.value(credentials.token!), "tok")
      assert.notInclude(String(credentials.secretKey), SECRET)
      assert.notInclude(JSON.stringify(credentials), SECRET)
      yield* provider.refresh
    }))

  it.effect("rejects unknown options", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Schema.decodeUnknownEffect(Static.S3CredentialsOptions)({
        access_key: "a",
        secret_key: "b",
        secret: "c"
      }))
      assert.include(error.message, "Unknown option 'secret'")
    }))
})

describe("environment credentials", () => {
  it.effect("reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN", () =>
    Effect.gen(function*() {
      const credentials = yield* Environment.make({
        AWS_ACCESS_KEY_ID: "AKIA",
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SESSION_TOKEN: "tok"
      }).get
      assert.strictEqual(Redacted.value(credentials.accessKey), "AKIA")
      assert.strictEqual(Redacted.value(credentials.secretKey), SECRET)
      assert.strictEqual(Redacted.value(credentials.token!), "tok")
      const noToken = yield* Environment.make({ AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: SECRET }).get
      assert.isUndefined(noToken.token)
    }))

  it.effect("names the missing variables", () =>
    Effect.gen(function*() {
      const both = yield* expectCredentialsError(Environment.make({}).get, "NotFound")
      assert.include(both.message, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
      const one = yield* expectCredentialsError(Environment.make({ AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "" }).get, "NotFound")
      assert.include(one.message, "AWS_SECRET_ACCESS_KEY is not set")
    }))
})

const valid = (secret: string, expiration?: string) =>
  JSON.stringify({
    Version: 1,
    AccessKeyId: "AKIA",
    SecretAccessKey: secret,
    SessionToken: "tok",
    ...(expiration === undefined ? {} : { Expiration: expiration })
  })

describe("FileBasedCredentials", () => {
  it.effect("reads the credential_process shape and re-reads it on refresh", () =>
    Effect.gen(function*() {
      const file = scratchFile(valid(SECRET, "2030-01-01T00:00:00Z"))
      const provider = yield* FileBased.make(file)
      const first = yield* provider.get
      assert.strictEqual(Redacted.value(first.secretKey), SECRET)
      assert.strictEqual(Redacted.value(first.token!), "tok")
      assert.strictEqual(first.expiration?.toISOString(), "2030-01-01T00:00:00.000Z")
      fs.writeFileSync(file, valid("rotated"))
      assert.strictEqual(Redacted.value((yield* provider.get).secretKey), SECRET, "cached until refreshed")
      yield* provider.refresh
      const second = yield* provider.get
      assert.strictEqual(Redacted.value(second.secretKey), "rotated")
      assert.isUndefined(second.expiration)
    }))

  it.effect("from a config file, re-reads the file before the credentials expire", () =>
    Effect.gen(function*() {
      // TestClock starts at the epoch: these credentials expire 10 minutes in.
      const file = scratchFile(valid("first", new Date(10 * 60_000).toISOString()))
      const options = yield* Schema.decodeUnknownEffect(FileBased.FileBasedCredentialsOptions)({ credential_file_path: file })
      const provider = yield* FileBased.factory.make(options, { profile: "p" })
      assert.strictEqual(Redacted.value((yield* provider.get).secretKey), "first")
      fs.writeFileSync(file, valid("second", new Date(60 * 60_000).toISOString()))
      yield* TestClock.adjust(4 * 60_000)
      assert.strictEqual(Redacted.value((yield* provider.get).secretKey), "first", "still fresh: not re-read")
      yield* TestClock.adjust(2 * 60_000)
      assert.strictEqual(Redacted.value((yield* provider.get).secretKey), "second", "within 5 minutes of expiry: re-read")
    }))

  it.effect("says which file and which key is wrong, never a value", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, CredentialsError["reason"], string]> = [
        [`{"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "${SECRET}",}`, "Invalid", "is not valid JSON at"],
        [valid(SECRET).replace("\"Version\":1", "\"Version\":2"), "Invalid", "has 'Version' 2; only Version 1 is supported"],
        [JSON.stringify({ Version: 1, AccessKeyId: "AKIA" }), "Invalid", "has no 'SecretAccessKey'"],
        [JSON.stringify({ Version: 1, AccessKeyId: 7, SecretAccessKey: SECRET }), "Invalid", "has an invalid 'AccessKeyId'"],
        [valid(SECRET, "next tuesday"), "Invalid", "has an invalid 'Expiration' \"next tuesday\""],
        ["[]", "Invalid", "does not hold a JSON object"]
      ]
      for (const [content, reason, phrase] of cases) {
        const file = scratchFile(content)
        const error = yield* expectCredentialsError(FileBased.make(file), reason)
        assert.include(error.message, `'${file}'`)
        assert.include(error.message, phrase)
      }
      const missing = path.join(os.tmpdir(), "strata-no-such-credentials.json")
      const error = yield* expectCredentialsError(FileBased.make(missing), "NotFound")
      assert.include(error.message, missing)
    }))
})
