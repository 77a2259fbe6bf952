// The Cache contract through a provider process: our host launches
// `strata plugin serve` with the memory cache and talks to it over a unix
// socket.
import * as Remote from "../../../src/programs/plugin/layers.ts"
import { testCache } from "../../../src/testing/CacheSuite.ts"
import { serveCommand } from "./providers.ts"

testCache("remote (memory cache in a provider process)", Remote.cache({ name: "memory", ...serveCommand("memoryCache") }), {
  realTime: true,
  maxValueBytes: 2 * 1024 * 1024
})
