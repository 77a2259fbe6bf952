import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as S3 from "../../../src/providers/storage/s3.ts"

const decode = (options: unknown) => Schema.decodeUnknownEffect(S3.S3Options)(options, { errors: "all", onExcessProperty: "error" })
const build = (options: Record<string, unknown>) =>
  Effect.flatMap(decode(options), (decoded) =>
    S3.factory.make(decoded, { profile: "lake", file: "/etc/msc.yaml" })).pipe(Effect.scoped)

describe("s3 options", () => {
  it.effect("accepts MSC's option names", () =>
    Effect.gen(function*() {
      const provider = yield* build({
        base_path: "bucket/some/prefix",
        region_name: "eu-west-1",
        endpoint_url: "http://127.0.0.1:9",
        s3: { addressing_style: "path" },
        verify: false,
        connect_timeout: 5,
        read_timeout: 30,
        max_pool_connections: 16,
        multipart_threshold: 8 * 1024 * 1024,
        multipart_chunksize: 8 * 1024 * 1024,
        io_chunksize: 1024,
        max_concurrency: 4,
        checksum_algorithm: "CRC32C",
        request_checksum_calculation: "when_required",
        response_checksum_validation: "when_required",
        retries: { max_attempts: 3 },
        rust_client: {},
        conditional_writes: false
      })
      assert.strictEqual(provider.type, "s3")
      assert.isFalse(provider.capabilities.conditionalWrite)
      assert.isFalse(provider.capabilities.createOnly)
      assert.isTrue(provider.capabilities.conditionalRead)
    }))

  it.effect("rejects a misspelt option, naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(decode({ base_path: "b", region: "us-east-1" }))
      assert.include(error.message, "Unknown option 'region'")
    }))

  it.effect("refuses what it cannot do, naming the option", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Record<string, unknown>, string, string]> = [
        [{ base_path: "b", verify: "/etc/ssl/ca.pem" }, "verify", "a CA bundle path in verify is not supported yet"],
        [{ base_path: "b", signature_version: "UNSIGNED" }, "signature_version", "signature_version 'UNSIGNED' is not supported yet"],
        [{ base_path: "" }, "base_path", "names no bucket"],
        [{ base_path: "bucket/a/../b" }, "base_path", "has an empty, '.' or '..' segment"]
      ]
      for (const [options, option, phrase] of cases) {
        const error = yield* Effect.flip(build(options))
        assert.strictEqual(error._tag, "ConfigError")
        assert.include(error.message, phrase)
        if (error._tag === "ConfigError") {
          assert.strictEqual(error.path, `profiles.lake.storage_provider.options.${option}`)
          assert.strictEqual(error.file, "/etc/msc.yaml")
        }
      }
    }))
})
