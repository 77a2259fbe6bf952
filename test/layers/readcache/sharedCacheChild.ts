/**
 * One of the processes of the shared-directory test (run by node, not by
 * vitest): reads the objects of a posix source through a read cache in a
 * shared directory, in an order of its own, checks every byte, and prints
 * `{"reads", "mismatches", "sourceReads"}` as JSON.
 *
 * Arguments: sourceDir cacheDir maxBytes objectCount rounds seed
 */
import { Effect, Stream } from "effect"
import * as Posix from "../../../src/providers/storage/posix.ts"
import { cacheReads, openStore } from "../../../src/layers/ReadCache.ts"
import { faulty } from "../../support/faultyProvider.ts"
import { objectBytes, objectKey } from "./sharedCacheData.ts"

const [sourceDir, cacheDir, maxBytes, objectCount, rounds, seed] = process.argv.slice(2)
let state = Number(seed) + 1
const random = () => (state = (state * 48271) % 2147483647) / 2147483647

const program = Effect.gen(function*() {
  const { faults, provider } = faulty(yield* Posix.make({ basePath: sourceDir! }))
  const store = yield* openStore({
    location: cacheDir!,
    maxBytes: Number(maxBytes),
    policy: "lru",
    refreshIntervalMillis: 1000,
    purgeFactor: 0,
    lockWaitMillis: 30_000
  })
  const cached = cacheReads(provider, store, { profile: "shared", checkSourceVersion: true, lineBytes: 64 * 1024 })
  let reads = 0
  let mismatches = 0
  for (let round = 0; round < Number(rounds); round++) {
    const index = Math.floor(random() * Number(objectCount))
    const expected = objectBytes(index)
    const ranged = random() < 0.3
    const offset = ranged ? Math.floor(random() * expected.length) : 0
    const length = ranged ? Math.floor(random() * 200_000) : expected.length
    const chunks = yield* Stream.runCollect(cached.read(objectKey(index), ranged ? { range: { offset, length } } : {}))
    const got = Buffer.concat(chunks)
    reads++
    if (!got.equals(expected.subarray(offset, offset + length))) mismatches++
  }
  return { reads, mismatches, sourceReads: faults.calls.read }
})

Effect.runPromise(Effect.scoped(program)).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
