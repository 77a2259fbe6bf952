/**
 * What every test server helper shares: waiting for a child process to exit,
 * and a describe block that owns one server for its tests.
 *
 * @since 0.1.0
 */
import type { ChildProcess } from "node:child_process"
import { afterAll, beforeAll, describe, it } from "vitest"

/**
 * Resolves once `child` has exited (at once if it already has).
 *
 * @since 0.1.0
 * @category servers
 */
export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

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
