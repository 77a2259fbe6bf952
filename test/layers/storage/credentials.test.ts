import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { registryWith } from "../../../src/layers/ProviderRegistryDefault.ts"
import { validateProviderOptions } from "../../../src/layers/config/providerOptions.ts"
import { makeStorageClient } from "../../../src/layers/StorageClientLive.ts"
import * as Memory from "../../../src/providers/storage/memory.ts"
import type { CredentialsProviderShape } from "../../../src/services/Credentials.ts"
import type { ProviderFactory } from "../../../src/services/ProviderRegistry.ts"
import type { StorageConfig } from "../../../src/services/StorageConfig.ts"

const SECRET = "do-not-print-this-secret"

describe("credentials_provider of a profile", () => {
  const seen: Array<CredentialsProviderShape | undefined> = []
  const capturing: ProviderFactory = {
    ...Memory.factory,
    type: "capturing",
    make: (_options, context) => {
      seen.push(context.credentials)
      return Memory.make()
    }
  }
  const registry = registryWith([capturing])
  const storage = { type: "capturing", options: {} }
  const config: StorageConfig = {
    profiles: {
      keyed: { storage_provider: storage, credentials_provider: { type: "S3Credentials", options: { access_key: "AKIA", secret_key: SECRET } } },
      plain: { storage_provider: storage },
      unknown: { storage_provider: storage, credentials_provider: { type: "Telepathy", options: {} } },
      typo: { storage_provider: storage, credentials_provider: { type: "S3Credentials", options: { access_key: "AKIA", secret_key: [SECRET] } } },
      extra: { storage_provider: storage, credentials_provider: { type: "S3Credentials", options: { access_key: "AKIA", secret_key: SECRET, secret: SECRET } } }
    },
    pathMapping: []
  }

  it.effect("is built and handed to the storage provider in its ProviderContext", () =>
    Effect.gen(function*() {
      const client = yield* makeStorageClient({ config, registry })
      seen.length = 0
      yield* client.provider("keyed")
      yield* client.provider("plain")
      assert.strictEqual(seen.length, 2)
      const credentials = yield* seen[0]!.get
      assert.strictEqual(Redacted.value(credentials.secretKey), SECRET)
      assert.isUndefined(seen[1], "no credentials_provider: the backend's default chain")
    }).pipe(Effect.scoped))

  it.effect("fails clearly for an unknown type or bad options, without showing values", () =>
    Effect.gen(function*() {
      const client = yield* makeStorageClient({ config, registry })
      const unknown = yield* Effect.flip(client.provider("unknown"))
      assert.strictEqual(unknown.reason, "Unsupported")
      assert.include(unknown.message, "credentials provider type 'Telepathy', which is not available in this build; registered types: ")
      assert.include(unknown.message, "EnvironmentCredentials, FileBasedCredentials, S3Credentials")
      const typo = yield* Effect.flip(client.provider("typo"))
      assert.strictEqual(typo.reason, "Unsupported")
      assert.include(typo.message, "profiles.typo.credentials_provider.options.secret_key: expected a string")
      const extra = yield* Effect.flip(client.provider("extra"))
      assert.include(extra.message, "profiles.extra.credentials_provider.options.secret: Unknown option 'secret'")
      for (const error of [typo, extra]) {
        assert.notInclude(error.message, SECRET)
        assert.notInclude(String(error), SECRET)
      }
    }).pipe(Effect.scoped))

  it.effect("is checked with the config file: type and options", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(validateProviderOptions(config, registry))
      assert.include(error.message, "profiles.unknown.credentials_provider.type: unknown credentials provider type 'Telepathy'")
      assert.include(error.message, "profiles.typo.credentials_provider.options.secret_key")
      assert.include(error.message, "profiles.extra.credentials_provider.options.secret")
      assert.notInclude(error.message, SECRET)
    }))
})
