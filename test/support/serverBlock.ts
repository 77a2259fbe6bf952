/**
 * What every test server helper shares: starting a server process and
 * waiting until it answers, waiting for it to exit, and a describe block that
 * owns one server for its tests.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { afterAll, beforeAll, describe, it } from "vitest"

/**
 * Resolves once `child` has exited (at once if it already has).
 *
 * @since 0.1.0
 * @category servers
 */
const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

/**
 * Sends `signal` to `child` unless it has exited, and waits until it has.
 *
 * @since 0.1.0
 * @category servers
 */
export const terminate = async (child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  await exited(child)
}

/**
 * Spawns a server on `port` and polls `answers(port)` every `pollMs` until it
 * does; the process dies with this one (a test run that ends abruptly). Fails
 * with its stderr (or `noAnswer`) when it cannot spawn, exits, or does not
 * answer within `withinMs`.
 *
 * @since 0.1.0
 * @category servers
 */
export const spawnAnswering = async (
  command: string,
  args: ReadonlyArray<string>,
  server: {
    readonly name: string
    readonly port: number
    readonly answers: (port: number) => Promise<boolean>
    readonly withinMs: number
    readonly pollMs: number
    readonly noAnswer: string
  }
): Promise<ChildProcess> => {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] })
  const reap = () => child.kill("SIGKILL")
  process.once("exit", reap)
  child.once("exit", () => process.off("exit", reap))
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const spawnFailed = new Promise<Error>((resolve) => child.once("error", resolve))
  const deadline = Date.now() + server.withinMs
  for (;;) {
    if (await server.answers(server.port)) return child
    const failed = await Promise.race([spawnFailed, new Promise<undefined>((r) => setTimeout(r, server.pollMs, undefined))])
    if (failed !== undefined || child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL")
      throw new Error(`${server.name} on port ${server.port} did not start: ${failed?.message ?? (stderr.trim() || server.noAnswer)}`)
    }
  }
}

/**
 * How `describeWithServer` finds, starts and names one kind of server.
 *
 * @since 0.1.0
 * @category vitest
 */
export interface ServerKind<Server extends { readonly stop: () => Promise<void> }> {
  /** The server's name in "the <server> server of this block is not running". */
  readonly server: string
  /** The suite's name in the CI failure "the <suite> tests must run". */
  readonly suite: string
  /** The program the block needs, as named in the CI failure ("needs <program>"). */
  readonly program: string
  readonly installed: boolean
  readonly notFoundMessage: string
  readonly start: () => Promise<Server>
  readonly startTimeoutMs: number
}

/**
 * A describe block with one server shared by its tests (started in
 * `beforeAll`, stopped in `afterAll`); `server()` gives it inside tests and
 * lazily built layers. Without the program the block is skipped with a
 * warning, or fails under `CI=true` so a CI run cannot silently test less.
 *
 * @since 0.1.0
 * @category vitest
 */
export const describeWithServer = <Server extends { readonly stop: () => Promise<void> }>(
  name: string,
  kind: ServerKind<Server>,
  body: (server: () => Server) => void
): void => {
  if (!kind.installed) {
    if (process.env["CI"] === "true") {
      describe(name, () => {
        it(`needs ${kind.program}`, () => {
          throw new Error(`${kind.notFoundMessage} (CI=true: the ${kind.suite} tests must run)`)
        })
      })
    } else {
      console.warn(`skipping '${name}': ${kind.notFoundMessage}`)
      describe.skip(`${name} (${kind.notFoundMessage})`, () => body(() => { throw new Error(kind.notFoundMessage) }))
    }
    return
  }
  describe(name, () => {
    let current: Server | undefined
    beforeAll(async () => {
      current = await kind.start()
    }, kind.startTimeoutMs)
    afterAll(async () => {
      await current?.stop()
    })
    body(() => {
      if (current === undefined) throw new Error(`the ${kind.server} server of this block is not running`)
      return current
    })
  })
}
