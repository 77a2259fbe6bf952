import { Effect, Layer } from "effect"
import * as Memory from "../../src/providers/storage/memory.ts"
import { cacheReads, openStore } from "../../src/layers/ReadCache.ts"
import { withRetries } from "../../src/layers/Retry.ts"
import { StorageProvider } from "../../src/services/StorageProvider.ts"
import { testStorageProvider } from "../../src/testing/StorageProviderSuite.ts"
import { MiB, tempDir, testSettings } from "./readcache/support.ts"

/** Memory wrapped as a profile's stack would be: retry, then the read cache. */
const stacked = (checkSourceVersion: boolean) =>
  Layer.effect(
    StorageProvider,
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* openStore(testSettings(dir, { maxBytes: 64 * MiB }))
      const retried = withRetries(yield* Memory.make(), { attempts: 3, delaySeconds: 0, backoffMultiplier: 2, jitterSeconds: 0 })
      return cacheReads(retried, store, { profile: "suite", checkSourceVersion, lineBytes: MiB })
    })
  )

testStorageProvider("memory + retry + read cache", stacked(true), { checkBounded: false, largeObjectBytes: 24 * MiB })
testStorageProvider("memory + retry + read cache, source version unchecked", stacked(false), {
  checkBounded: false,
  largeObjectBytes: 24 * MiB
})
