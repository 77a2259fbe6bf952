/**
 * A real Azurite blob server (the Azure Storage emulator, a dev dependency)
 * for tests and benchmarks: started with the running Node on 127.0.0.1 at a
 * free port, in memory (`--inMemoryPersistence`), ready once it answers HTTP,
 * stopped afterwards. It knows one account, Azurite's well-known
 * `devstoreaccount1` with its published key.
 *
 * When the azurite package is not installed, `describeAzurite` skips its
 * block with the message "azurite not found: npm install (it is a dev
 * dependency)"; under `CI=true` the block fails instead.
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import * as http from "node:http"
import { createRequire } from "node:module"
import * as nodePath from "node:path"
import { freePort } from "./ports.ts"
import { describeWithServer, spawnAnswering, terminate } from "./serverBlock.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface AzuriteServer {
  readonly port: number
  /** `http://127.0.0.1:<port>/devstoreaccount1`, the account URL (MSC's `endpoint_url`). */
  readonly endpoint: string
  /** A connection string with the account key. */
  readonly connectionString: string
  readonly stop: () => Promise<void>
}

/**
 * Azurite's well-known development account (public, documented by Microsoft).
 *
 * @since 0.1.0
 * @category constants
 */
export const AZURITE_ACCOUNT = "devstoreaccount1"

/**
 * @since 0.1.0
 * @category constants
 */
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

/**
 * @since 0.1.0
 * @category constants
 */
export const notFoundMessage = "azurite not found: npm install (it is a dev dependency)"

/** The blob server's entry point, or undefined when azurite is not installed. */
const azuriteMain: string | undefined = (() => {
  try {
    const manifest = createRequire(import.meta.url).resolve("azurite/package.json")
    const main = nodePath.join(nodePath.dirname(manifest), "dist", "src", "blob", "main.js")
    return existsSync(main) ? main : undefined
  } catch {
    return undefined
  }
})()

/**
 * Whether Azurite can be run.
 *
 * @since 0.1.0
 * @category checks
 */
export const azuriteInstalled: boolean = azuriteMain !== undefined

/** Any HTTP answer (Azurite says 4xx to an unsigned request) means it is up. */
const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: `/${AZURITE_ACCOUNT}?comp=list`, timeout: 500 }, (res) => {
      res.resume()
      resolve(true)
    })
    request.once("timeout", () => request.destroy())
    request.once("error", () => resolve(false))
  })

/**
 * Starts Azurite's blob server and waits (up to 20 s) until it answers.
 *
 * @since 0.1.0
 * @category servers
 */
export const startAzurite = async (): Promise<AzuriteServer> => {
  if (azuriteMain === undefined) throw new Error(notFoundMessage)
  const port = await freePort()
  const child = await spawnAnswering(process.execPath, [
    azuriteMain,
    "--blobHost", "127.0.0.1",
    "--blobPort", String(port),
    // Longer than any pause in a test: a client reusing a socket just as the
    // server closes it gets ECONNRESET, and our SDK retries are off.
    "--blobKeepAliveTimeout", "600",
    "--inMemoryPersistence",
    "--skipApiVersionCheck",
    "--loose",
    "--silent",
    "--disableTelemetry"
  ], { name: "Azurite", port, answers, withinMs: 20_000, pollMs: 100, noAnswer: "no HTTP answer" })
  const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`
  return {
    port,
    endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint};`,
    stop: () => terminate(child)
  }
}

/**
 * A describe block with an Azurite server shared by its tests (started in
 * `beforeAll`, stopped in `afterAll`); `server()` gives it inside tests and
 * lazily built layers. Skipped (or failed under CI) without azurite.
 *
 * @since 0.1.0
 * @category vitest
 */
export const describeAzurite = (name: string, body: (server: () => AzuriteServer) => void): void =>
  describeWithServer(name, {
    server: "Azurite",
    suite: "Azure",
    program: "azurite",
    installed: azuriteInstalled,
    notFoundMessage,
    start: () => startAzurite(),
    startTimeoutMs: 30_000
  }, body)
