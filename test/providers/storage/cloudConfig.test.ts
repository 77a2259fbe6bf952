import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultRegistry } from "../../../src/layers/ProviderRegistryDefault.ts"
import { loadConfig, validateProviderOptions } from "../../../src/layers/StorageConfigLoader.ts"
import { implicitProfile } from "../../../src/services/StorageUrl.ts"
import { scratch, write, yaml } from "../../layers/config/fixtures.ts"

describe("azure and gcs profiles from MSC config files", () => {
  it.effect("accepts MSC's azure and gcs options as MSC files spell them", () =>
    Effect.gen(function*() {
      const file = write(scratch(), "msc.yaml", yaml(
        "profiles:",
        "  ckpt:",
        "    storage_provider:",
        "      type: azure",
        "      options: {base_path: checkpoints, endpoint_url: \"https://acct.blob.core.windows.net\", multipart_threshold: 67108864,",
        "                multipart_chunksize: 33554432, io_chunksize: 33554432, max_concurrency: 8, validate_content: false}",
        "    credentials_provider:",
        "      type: AzureCredentials",
        "      options: {connection: \"${AZURE_CONN}\"}",
        "  eval:",
        "    storage_provider:",
        "      type: gcs",
        "      options: {base_path: eval-bucket/runs, project_id: my-proj, endpoint_url: \"http://localhost:4443\", skip_signature: true,",
        "                multipart_threshold: 67108864, multipart_chunksize: 33554432, io_chunksize: 33554432, max_concurrency: 8,",
        "                max_pool_connections: 32}"
      ))
      const config = yield* loadConfig({ file, env: { AZURE_CONN: "AccountName=a;AccountKey=c2VjcmV0" } })
      yield* validateProviderOptions(config, defaultRegistry)
    }))

  it.effect("names a misspelt option with its file, line and path", () =>
    Effect.gen(function*() {
      const file = write(scratch(), "msc.yaml", yaml(
        "profiles:",
        "  ckpt: {storage_provider: {type: azure, options: {base_path: c, endpoint: \"https://a.blob.core.windows.net\"}}}",
        "  eval: {storage_provider: {type: gcs, options: {base_path: b, projectid: p}}}"
      ))
      const error = yield* Effect.flip(validateProviderOptions(yield* loadConfig({ file, env: {} }), defaultRegistry))
      assert.include(error.message, "profiles.ckpt.storage_provider.options.endpoint")
      assert.include(error.message, "Unknown option 'endpoint'")
      assert.include(error.message, "profiles.eval.storage_provider.options.projectid")
      assert.include(error.message, "msc.yaml")
    }))

  it("gives gs:// and az:// URLs implicit profiles of the registered types", () => {
    for (const [profile, type] of [["_gs-bucket", "gcs"], ["_az-container", "azure"]] as const) {
      const spec = implicitProfile(profile)?.storage_provider
      assert.strictEqual(spec?.type, type)
      assert.isDefined(defaultRegistry.get(type))
    }
  })
})
