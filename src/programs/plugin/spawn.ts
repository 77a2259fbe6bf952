/**
 * Starting and stopping one provider process, as a Gestalt host does: a
 * fresh socket directory, the `GESTALT_PLUGIN_*` environment (and only a few
 * of the host's variables), stdout and stderr to the host's stderr; waiting
 * for the socket file, polled every 25 ms, failing early when the process
 * exits; stopping with SIGTERM, then SIGKILL after a grace period.
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Schema } from "effect"
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"

/**
 * The host could not start, talk to or keep a provider: the message says
 * which provider and what happened.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProviderHostError extends Schema.TaggedError<ProviderHostError>()("ProviderHostError", {
  provider: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/**
 * How a provider process ended.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: string | null
}

/**
 * `exited with code 1`, `was killed by SIGKILL`.
 *
 * @since 0.1.0
 * @category models
 */
export const describeExit = (exit: ProcessExit): string =>
  exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`

/**
 * @since 0.1.0
 * @category models
 */
export interface Spawned {
  readonly child: ChildProcess
  readonly exited: Deferred.Deferred<ProcessExit>
}

/** Host variables a provider may see (Gestalt passes the same few). */
const PASSED_THROUGH = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_OPTIONS"]

/**
 * @since 0.1.0
 * @category options
 */
export interface SpawnOptions {
  readonly name: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** Extra environment for the provider (host-service sockets, config ...). */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Starts the provider process listening on `socket`.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const spawnProvider = (options: SpawnOptions, socket: string): Effect.Effect<Spawned, ProviderHostError> =>
  Effect.gen(function*() {
    const exited = yield* Deferred.make<ProcessExit>()
    const env: Record<string, string> = {}
    for (const name of PASSED_THROUGH) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
    Object.assign(env, options.env, {
      GESTALT_PLUGIN_SOCKET: socket,
      GESTALT_PLUGIN_PARENT_PID: String(process.pid),
      GESTALT_PLUGIN_NAME: options.name
    })
    const child = yield* Effect.try({
      try: () => spawn(options.command, [...options.args], { env, stdio: ["ignore", 2, 2] }),
      catch: (cause) =>
        new ProviderHostError({ provider: options.name, message: `Cannot start '${options.command}': ${String(cause)}.`, cause })
    })
    child.once("exit", (code, signal) => Deferred.doneUnsafe(exited, Effect.succeed({ code, signal })))
    child.once("error", (error) => {
      // A spawn failure (ENOENT) emits "error" and no "exit".
      process.stderr.write(`strata: provider '${options.name}': ${error.message}\n`)
      Deferred.doneUnsafe(exited, Effect.succeed({ code: -1, signal: null }))
    })
    return { child, exited }
  })

/**
 * Waits for the socket file; fails when the process exits first or the time
 * is up.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const waitForSocket = (
  name: string,
  spawned: Spawned,
  socket: string,
  timeoutMillis: number
): Effect.Effect<void, ProviderHostError> => {
  const poll = Effect.gen(function*() {
    while (!existsSync(socket)) yield* Effect.sleep("25 millis")
  })
  const exitedFirst = Effect.flatMap(Deferred.await(spawned.exited), (exit) =>
    Effect.fail(
      new ProviderHostError({
        provider: name,
        message: `The provider process '${name}' ${describeExit(exit)} before it listened on its socket.`
      })
    ))
  return Effect.raceFirst(poll, exitedFirst).pipe(
    Effect.timeoutOrElse({
      duration: timeoutMillis,
      orElse: () =>
        Effect.fail(
          new ProviderHostError({
            provider: name,
            message: `The provider process '${name}' did not listen on ${socket} within ${timeoutMillis} ms.`
          })
        )
    })
  )
}

/**
 * SIGTERM, then SIGKILL when the process has not exited after `graceMillis`.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const stopProcess = (spawned: Spawned, graceMillis: number): Effect.Effect<void> =>
  Effect.gen(function*() {
    if (yield* Deferred.isDone(spawned.exited)) return
    spawned.child.kill("SIGTERM")
    const exited = yield* Deferred.await(spawned.exited).pipe(Effect.timeoutOption(graceMillis))
    if (exited._tag === "None") {
      spawned.child.kill("SIGKILL")
      yield* Deferred.await(spawned.exited)
    }
  })
