/**
 * The host side of a provider: `launch` starts a provider process, waits
 * for its socket, runs the start-up handshake (handshake.ts) and hands out a
 * `Channel` to it that survives restarts:
 *
 * - When the process dies, calls in flight fail at once with an `RpcError`
 *   (UNAVAILABLE) saying the provider exited; calls made while it restarts
 *   fail the same way, never hang.
 * - The process is restarted with exponential backoff (100 ms doubling to
 *   5 s by default), up to `maxRestarts` times in a row; a restart that
 *   stays up for a minute resets the count.
 * - `health` asks the provider whenever the caller wants (the handshake
 *   checks it once at start). With `healthIntervalMillis`, the host also
 *   asks on its own at that interval; a provider that answers not ready, or
 *   does not answer within `healthTimeoutMillis`, is stopped and restarted
 *   with the same backoff as a crash.
 * - Closing the scope stops it: the connection closes, SIGTERM, SIGKILL
 *   after 2 s, and the socket directory goes.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@bufbuild/protobuf"
import { Deferred, Effect, Fiber } from "effect"
import type { Scope } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fromClient, makeClient, waitForReady } from "../../protocol/client/channel.ts"
import type { Channel, InFlight } from "../../protocol/client/channel.ts"
import { Code, RpcError } from "../../protocol/codecs/status.ts"
import { ProviderLifecycle } from "../../protocol/gen/gestalt/provider/v1/runtime_pb.ts"
import type { CacheShape } from "../../services/Cache.ts"
import { handshake } from "./handshake.ts"
import { serveHostCache } from "./hostCacheService.ts"
import type { HostedKind } from "./handshake.ts"
import { describeExit, ProviderHostError, spawnProvider, stopProcess, waitForSocket } from "./spawn.ts"
import type { SpawnOptions, Spawned } from "./spawn.ts"

/**
 * @since 0.1.0
 * @category options
 */
export interface LaunchOptions extends SpawnOptions {
  readonly kind: HostedKind
  /** The provider's config, sent on configure. */
  readonly config?: JsonObject
  /** How long start-up may take; default 45 s (Gestalt's). */
  readonly startTimeoutMillis?: number
  /** Restarts in a row before giving up; default 5. */
  readonly maxRestarts?: number
  /** The first restart delay; default 100 ms, doubling up to `maxBackoffMillis`. */
  readonly initialBackoffMillis?: number
  readonly maxBackoffMillis?: number
  /** SIGTERM to SIGKILL; default 2 s. */
  readonly stopGraceMillis?: number
  /** Health checks every this many milliseconds (after each answer); none by default. */
  readonly healthIntervalMillis?: number
  /** How long a health check may take before it counts as failed; default 5 s. */
  readonly healthTimeoutMillis?: number
  /** A cache the host offers the provider (GESTALT_CACHE_SOCKET), its keys namespaced by the provider's name. */
  readonly hostCache?: CacheShape
}

/**
 * A running provider, as the host sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProviderProcess {
  readonly name: string
  /** Calls go to the current process. */
  readonly channel: Channel
  /** The pid of the current process, undefined while it restarts. */
  readonly pid: Effect.Effect<number | undefined>
  /** How many times it was restarted. */
  readonly restarts: Effect.Effect<number>
  /** Completes when the current process is up and has passed its handshake. */
  readonly ready: Effect.Effect<void, ProviderHostError>
  /**
   * Asks the provider (ProviderLifecycle.HealthCheck). A plugin that does not
   * serve the lifecycle (Gestalt's Go and Python SDKs) counts as ready.
   */
  readonly health: Effect.Effect<{ readonly ready: boolean; readonly message: string }, RpcError>
}

interface Running {
  readonly spawned: Spawned
  readonly channel: Channel
  readonly close: () => void
  /** The calls in flight, failed at once when the process is gone. */
  readonly inFlight: InFlight
  /** Set when the host counts the process as gone: what happened to it. */
  down?: string
}

/**
 * Launches the provider; it runs until the scope closes.
 *
 * @since 0.1.0
 * @category lifecycle
 */
export const launch = (options: LaunchOptions): Effect.Effect<ProviderProcess, ProviderHostError, Scope.Scope> =>
  Effect.gen(function*() {
    const dir = mkdtempSync(join(tmpdir(), "gstp-"))
    const socket = join(dir, "plugin.sock")
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    const hostEnv = options.hostCache === undefined ? {} : yield* serveHostCache(options.hostCache, options.name, join(dir, "host-cache.sock")).pipe(
      Effect.mapError((error) => new ProviderHostError({ provider: options.name, message: error.message, cause: error }))
    )
    const spawnOptions = { ...options, env: { ...options.env, ...hostEnv } }
    const timeout = options.startTimeoutMillis ?? 45_000
    const grace = options.stopGraceMillis ?? 2_000
    const state = {
      current: undefined as Running | undefined,
      restarts: 0,
      down: `The provider '${options.name}' is starting.`,
      ready: yield* Deferred.make<void, ProviderHostError>()
    }

    const startOnce: Effect.Effect<Running, ProviderHostError> = Effect.gen(function*() {
      const spawned = yield* spawnProvider(spawnOptions, socket)
      const client = makeClient(socket)
      const inFlight: InFlight = new Set()
      const running: Running = { spawned, channel: fromClient(client, socket, inFlight), close: () => client.close(), inFlight }
      yield* Effect.gen(function*() {
        yield* waitForSocket(options.name, spawned, socket, timeout)
        yield* waitForReady(client, socket, timeout).pipe(
          Effect.mapError((error) => new ProviderHostError({ provider: options.name, message: error.message, cause: error }))
        )
        yield* handshake(running.channel, options.kind, options.name, options.config)
      }).pipe(Effect.onError(() => Effect.andThen(Effect.sync(running.close), stopProcess(spawned, grace))))
      return running
    })

    // What happened to a process, for messages: "exited with code 1", "failed its health check (...)".
    const goneError = (what: string) =>
      new RpcError({
        code: Code.UNAVAILABLE,
        method: "call",
        message: `The provider process '${options.name}' ${what}; the host is restarting it.`
      })

    // The reason the process counts as down, or undefined while it answers ready.
    const healthTimeout = options.healthTimeoutMillis ?? 5_000
    const unhealthy = (running: Running): Effect.Effect<string | undefined> =>
      checkHealth(running.channel, healthTimeout).pipe(
        Effect.map(({ message, ready }) =>
          ready ? undefined : `failed its health check (not ready${message === "" ? "" : `: ${message}`})`
        ),
        Effect.catch((error) =>
          Effect.succeed(
            error.code === Code.DEADLINE_EXCEEDED
              ? `did not answer its health check within ${healthTimeout} ms`
              : `failed its health check (${error.message})`
          )
        )
      )
    // Completes with the reason once a periodic check fails; never without an interval.
    const healthFailure = (running: Running): Effect.Effect<string> => {
      const interval = options.healthIntervalMillis
      if (interval === undefined) return Effect.never
      return Effect.gen(function*() {
        while (true) {
          yield* Effect.sleep(interval)
          const reason = yield* unhealthy(running)
          if (reason !== undefined) return reason
        }
      })
    }
    // New calls fail with the reason at once, and so do the calls in flight; `ready` waits for the next process.
    const markDown = (running: Running, what: string): void => {
      if (running.down !== undefined) return
      running.down = what
      state.current = undefined
      state.ready = Deferred.makeUnsafe<void, ProviderHostError>()
      state.down = goneError(what).message
      // Each fail removes itself from the set; a Set iterator tolerates that.
      for (const fail of running.inFlight) fail(goneError(what))
    }
    // Waits until the process exits, or fails a health check and is stopped; says which.
    const downOf = (running: Running): Effect.Effect<string> =>
      Effect.raceFirst(
        Effect.map(Deferred.await(running.spawned.exited), describeExit),
        Effect.flatMap(healthFailure(running), (reason) =>
          Effect.logWarning(`The provider '${options.name}' ${reason}; the host stops and restarts it.`).pipe(
            Effect.andThen(Effect.sync(() => markDown(running, reason))),
            Effect.andThen(stopProcess(running.spawned, grace)),
            Effect.as(reason)
          ))
      )

    // Watches the current process; on a crash restarts it with backoff, until maxRestarts in a row fail.
    const supervise = Effect.gen(function*() {
      let backoff = options.initialBackoffMillis ?? 100
      while (true) {
        const running = state.current!
        const startedAt = Date.now()
        const what = yield* downOf(running)
        markDown(running, what)
        running.close()
        if (Date.now() - startedAt > 60_000) backoff = options.initialBackoffMillis ?? 100
        let started: Running | undefined
        for (let attempt = 1; started === undefined; attempt++) {
          if (attempt > (options.maxRestarts ?? 5)) {
            const message = `The provider '${options.name}' ${what} and did not come back after ${
              attempt - 1
            } restarts; the host gave up.`
            state.down = message
            yield* Deferred.fail(state.ready, new ProviderHostError({ provider: options.name, message }))
            return
          }
          yield* Effect.sleep(backoff)
          backoff = Math.min(backoff * 2, options.maxBackoffMillis ?? 5_000)
          const result = yield* Effect.result(startOnce)
          if (result._tag === "Success") started = result.success
          else yield* Effect.logWarning(result.failure.message)
        }
        state.restarts++
        state.current = started
        yield* Deferred.succeed(state.ready, undefined)
      }
    })

    state.current = yield* startOnce
    yield* Deferred.succeed(state.ready, undefined)
    const supervisor = yield* Effect.forkDetach(supervise)
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* Fiber.interrupt(supervisor)
        const running = state.current
        state.current = undefined
        state.down = `The provider '${options.name}' was stopped.`
        if (running === undefined) return
        running.close()
        yield* stopProcess(running.spawned, grace)
      })
    )

    const channel: Channel = {
      target: socket,
      unary: (method, request, callOptions) =>
        Effect.suspend(() => {
          const running = state.current
          if (running === undefined) {
            return Effect.fail(new RpcError({ code: Code.UNAVAILABLE, method: `${method.parent.name}.${method.name}`, message: state.down }))
          }
          // The connection often drops before the exit is reported: then say that the process died.
          return running.channel.unary(method, request, callOptions).pipe(
            Effect.catchIf((error) => error.code === Code.UNAVAILABLE, (error) =>
              running.down !== undefined ? Effect.fail(goneError(running.down)) : Deferred.await(running.spawned.exited).pipe(
                Effect.timeoutOption(250),
                Effect.flatMap((exit) => Effect.fail(exit._tag === "Some" ? goneError(describeExit(exit.value)) : error))
              ))
          )
        })
    }
    return {
      name: options.name,
      channel,
      pid: Effect.sync(() => state.current?.spawned.child.pid),
      restarts: Effect.sync(() => state.restarts),
      ready: Effect.suspend(() => Deferred.await(state.ready)),
      health: checkHealth(channel)
    }
  })

/**
 * Asks a provider whether it is ready (ProviderLifecycle.HealthCheck); one
 * that does not serve the lifecycle (Gestalt's Go and Python SDKs) counts
 * as ready.
 */
const checkHealth = (
  channel: Channel,
  timeoutMillis?: number
): Effect.Effect<{ readonly ready: boolean; readonly message: string }, RpcError> =>
  channel.unary(ProviderLifecycle.method.healthCheck, {}, timeoutMillis === undefined ? undefined : { timeoutMillis }).pipe(
    Effect.map(({ message, ready }) => ({ ready, message })),
    Effect.catchIf((error) => error.code === Code.UNIMPLEMENTED, () => Effect.succeed({ ready: true, message: "" }))
  )
