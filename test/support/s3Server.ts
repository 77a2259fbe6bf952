/**
 * A real S3-compatible server for tests and benchmarks: s3rver (an npm
 * devDependency) in a child process (`node --openssl-legacy-provider`), on
 * 127.0.0.1 at a free port, storing into a temporary directory that is
 * removed afterwards. See `s3rverMain.ts` for the one behaviour it corrects
 * (listing order).
 *
 * `describeS3` skips its block with a message saying what to install when
 * s3rver cannot be found; under `CI=true` the block fails instead.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { freePort } from "./ports.ts"
import { describeWithServer, terminate } from "./serverBlock.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string
  readonly port: number
  /** A bucket made at start. */
  readonly bucket: string
  /** s3rver's built-in account. */
  readonly accessKey: string
  readonly secretKey: string
  readonly stop: () => Promise<void>
}

/**
 * @since 0.1.0
 * @category constants
 */
export const notFoundMessage = "s3rver not found: npm install (it is a devDependency)"

/**
 * Whether s3rver is installed.
 *
 * @since 0.1.0
 * @category checks
 */
export const s3rverInstalled: boolean = (() => {
  try {
    createRequire(import.meta.url).resolve("s3rver")
    return true
  } catch {
    return false
  }
})()

const main = path.join(path.dirname(fileURLToPath(import.meta.url)), "s3rverMain.ts")

/**
 * Starts s3rver with `bucket` and waits (up to 15 s) until it listens.
 *
 * @since 0.1.0
 * @category servers
 */
export const startS3Server = async (bucket = "strata-test"): Promise<S3Server> => {
  const port = await freePort()
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "strata-s3rver-"))
  const child = spawn(process.execPath, ["--openssl-legacy-provider", main, directory, String(port), bucket], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  const reap = () => child.kill("SIGKILL")
  process.once("exit", reap)
  child.once("exit", () => process.off("exit", reap))
  let stdout = ""
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer within 15 s")), 15_000)
      const fail = (error: Error) => {
        clearTimeout(timer)
        reject(error)
      }
      child.once("error", fail)
      child.once("exit", (code) => fail(new Error(`exited with code ${code}`)))
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8")
        if (stdout.includes("\n")) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  } catch (error) {
    child.kill("SIGKILL")
    fs.rmSync(directory, { recursive: true, force: true })
    throw new Error(`s3rver on port ${port} did not start: ${(error as Error).message}${stderr === "" ? "" : `: ${stderr.trim()}`}`, { cause: error })
  }
  child.removeAllListeners("exit")
  child.once("exit", () => process.off("exit", reap))
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    stop: async () => {
      await terminate(child)
      fs.rmSync(directory, { recursive: true, force: true })
    }
  }
}

/**
 * A describe block with an s3rver shared by its tests (started in
 * `beforeAll`, stopped in `afterAll`); `server()` gives it inside tests and
 * lazily built layers. Skipped (or failed under CI) without s3rver.
 *
 * @since 0.1.0
 * @category vitest
 */
export const describeS3 = (name: string, body: (server: () => S3Server) => void): void =>
  describeWithServer(name, {
    server: "S3",
    suite: "S3",
    program: "s3rver",
    installed: s3rverInstalled,
    notFoundMessage,
    start: () => startS3Server(),
    startTimeoutMs: 30_000
  }, body)
