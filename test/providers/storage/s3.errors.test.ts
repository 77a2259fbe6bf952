/**
 * The s3 provider from config profiles, against s3rver: credentials from the
 * profile's credentials_provider, the errors a user meets (wrong
 * credentials, an unreachable endpoint, a missing bucket), and implicit
 * `s3://bucket/key` profiles.
 */
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { defaultRegistry } from "../../../src/layers/ProviderRegistryDefault.ts"
import { makeStorageClient } from "../../../src/layers/StorageClientLive.ts"
import type { StorageConfig } from "../../../src/services/StorageConfig.ts"
import { StorageError } from "../../../src/services/StorageProvider.ts"
import { freePort } from "../../support/ports.ts"
import { describeS3 } from "../../support/s3Server.ts"
import type { S3Server } from "../../support/s3Server.ts"

const SECRET = "wrong-secret-9f8e7d6c5b4a"

const credentials = (access_key: string, secret_key: string) => ({
  type: "S3Credentials",
  options: { access_key, secret_key }
})

/** A credential_process file with the server's account. */
const credentialsFile = (server: S3Server) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "strata-s3-creds-")), "credentials.json")
  fs.writeFileSync(file, JSON.stringify({ Version: 1, AccessKeyId: server.accessKey, SecretAccessKey: server.secretKey }))
  return file
}

const configOf = (server: S3Server, unreachable: string): StorageConfig => {
  const s3 = (base_path: string, endpoint_url = server.endpoint) => ({
    type: "s3",
    options: { base_path, endpoint_url, region_name: "us-east-1" }
  })
  return {
    profiles: {
      good: { storage_provider: s3(`${server.bucket}/errors`), credentials_provider: credentials(server.accessKey, server.secretKey) },
      filed: {
        storage_provider: s3(`${server.bucket}/errors`),
        credentials_provider: { type: "FileBasedCredentials", options: { credential_file_path: credentialsFile(server) } }
      },
      intruder: { storage_provider: s3(server.bucket), credentials_provider: credentials("NOBODY", SECRET) },
      offline: { storage_provider: s3(server.bucket, unreachable), credentials_provider: credentials(server.accessKey, server.secretKey) },
      nobucket: { storage_provider: s3("no-such-bucket"), credentials_provider: credentials(server.accessKey, server.secretKey) }
    },
    pathMapping: []
  }
}

const failure = <A>(effect: Effect.Effect<A, StorageError>) =>
  Effect.flatMap(Effect.flip(effect), (error) => Effect.sync(() => {
    assert.instanceOf(error, StorageError)
    return error
  }))

describeS3("s3 provider from profiles", (server) => {
  const client = () =>
    Effect.gen(function*() {
      const unreachable = `http://127.0.0.1:${yield* Effect.promise(freePort)}`
      return yield* makeStorageClient({ config: configOf(server(), unreachable), registry: defaultRegistry })
    })

  it.effect("signs with the profile's credentials_provider", () =>
    Effect.gen(function*() {
      const c = yield* client()
      yield* c.write("msc://good/hello.txt", new TextEncoder().encode("hi"))
      assert.strictEqual(new TextDecoder().decode(yield* c.read("msc://good/hello.txt")), "hi")
      assert.strictEqual((yield* c.info("msc://good/hello.txt")).contentLength, 2)
    }).pipe(Effect.scoped))

  it.effect("signs with credentials from a credential_process file", () =>
    Effect.gen(function*() {
      const c = yield* client()
      yield* c.write("msc://filed/from-file.txt", new TextEncoder().encode("filed"))
      assert.strictEqual(new TextDecoder().decode(yield* c.read("msc://good/from-file.txt")), "filed")
    }).pipe(Effect.scoped))

  it.effect("wrong credentials: PermissionDenied naming the profile, never the secret", () =>
    Effect.gen(function*() {
      const c = yield* client()
      const error = yield* failure(c.read("msc://intruder/anything.txt"))
      assert.strictEqual(error.reason, "PermissionDenied")
      assert.include(error.message, "'intruder'")
      assert.notInclude(error.message, SECRET)
      assert.notInclude(String(error), SECRET)
      assert.notInclude(JSON.stringify(error), SECRET)
    }).pipe(Effect.scoped))

  it.effect("an unreachable endpoint: Unavailable (retryable), at once", () =>
    Effect.gen(function*() {
      const c = yield* client()
      const error = yield* failure(c.read("msc://offline/x.txt"))
      assert.strictEqual(error.reason, "Unavailable")
      assert.isTrue(error.retryable)
      assert.include(error.message, "ECONNREFUSED")
    }).pipe(Effect.scoped))

  it.effect("a missing bucket: NotFound naming it", () =>
    Effect.gen(function*() {
      const c = yield* client()
      const error = yield* failure(c.read("msc://nobucket/x.txt"))
      assert.strictEqual(error.reason, "NotFound")
      assert.include(error.message, "no-such-bucket")
    }).pipe(Effect.scoped))

  it.effect("implicit s3://bucket/key profiles use the SDK's default chain", () =>
    Effect.gen(function*() {
      const s = server()
      const saved = { ...process.env }
      yield* Effect.addFinalizer(() => Effect.sync(() => {
        for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3", "AWS_REGION"]) {
          if (saved[name] === undefined) delete process.env[name]
          else process.env[name] = saved[name]
        }
      }))
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: s.accessKey,
        AWS_SECRET_ACCESS_KEY: s.secretKey,
        AWS_ENDPOINT_URL_S3: s.endpoint,
        AWS_REGION: "us-east-1"
      })
      const c = yield* client()
      yield* c.write(`s3://${s.bucket}/implicit/a.txt`, new TextEncoder().encode("implicit"))
      assert.strictEqual(new TextDecoder().decode(yield* c.read(`s3://${s.bucket}/implicit/a.txt`)), "implicit")
      assert.strictEqual((yield* c.provider(`_s3-${s.bucket}`)).type, "s3")
    }).pipe(Effect.scoped))
})
