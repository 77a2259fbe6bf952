// The host's side of a provider process: restarts after a crash (calls in
// flight fail at once with a clear error), graceful shutdown on SIGTERM,
// bad wire input, the protocol version check and the parent-pid watch.
import { assert, describe, it } from "@effect/vitest"
import * as grpc from "@grpc/grpc-js"
import { Effect, Fiber, Option } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as RemotePlugin from "../../../src/protocol/client/integration.ts"
import { makeClient } from "../../../src/protocol/client/channel.ts"
import { Code } from "../../../src/protocol/codecs/status.ts"
import { encode } from "../../../src/protocol/codecs/wire.ts"
import { ConfigureProviderRequestSchema } from "../../../src/protocol/gen/gestalt/provider/v1/runtime_pb.ts"
import { launch } from "../../../src/programs/plugin/host.ts"
import { serveCommand } from "./providers.ts"

const raw = (socket: string, path: string, body: Buffer) =>
  Effect.callback<grpc.ServiceError | Buffer>((resume) => {
    const client = makeClient(socket)
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, (error, response) => {
      client.close()
      resume(Effect.succeed(error ?? response!))
    })
  })

const statusOf = (result: grpc.ServiceError | Buffer) => {
  assert.isFalse(Buffer.isBuffer(result), "the call fails")
  return result as grpc.ServiceError
}

describe("provider host", () => {
  it.live("restarts a crashed provider; calls in flight fail at once with a clear error", () =>
    Effect.gen(function*() {
      const provider = yield* launch({ kind: "integration", name: "greeter", ...serveCommand("greeter"), initialBackoffMillis: 50 })
      const client = RemotePlugin.make(provider.channel, "greeter")
      const inFlight = yield* Effect.forkChild(Effect.result(client.invoke("slow", { millis: 20_000 })))
      yield* Effect.sleep("300 millis")
      const pid = yield* provider.pid
      assert.isDefined(pid)
      process.kill(pid!, "SIGKILL")
      const result = yield* Fiber.join(inFlight)
      assert.strictEqual(result._tag, "Failure", "the call in flight fails")
      if (result._tag === "Failure") {
        assert.strictEqual(result.failure.message, "The provider process 'greeter' was killed by SIGKILL; the host is restarting it.")
      }
      yield* provider.ready
      assert.strictEqual(yield* provider.restarts, 1)
      assert.notStrictEqual(yield* provider.pid, pid, "a new process")
      const outcome = yield* client.invoke("greet", { name: "again" })
      assert.strictEqual(outcome.status, 200)
      assert.deepStrictEqual(yield* provider.health, { ready: true, message: "" })
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("drains calls in flight on SIGTERM, then exits and removes its socket", () =>
    Effect.gen(function*() {
      const provider = yield* launch({ kind: "integration", name: "greeter", ...serveCommand("greeter"), maxRestarts: 0 })
      const client = RemotePlugin.make(provider.channel, "greeter")
      const inFlight = yield* Effect.forkChild(client.invoke("slow", { millis: 1_000 }))
      yield* Effect.sleep("300 millis")
      process.kill((yield* provider.pid)!, "SIGTERM")
      const outcome = yield* Fiber.join(inFlight)
      assert.deepStrictEqual(outcome, { status: 200, body: JSON.stringify({ slept: 1000 }) })
      yield* Effect.sleep("500 millis")
      assert.isFalse(existsSync(provider.channel.target), "the socket file is gone")
      const after = yield* Effect.result(client.invoke("greet", { name: "late" }))
      assert.strictEqual(after._tag, "Failure", "no provider after it stopped")
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("answers malformed messages and a wrong protocol version with sentences, and carries on", () =>
    Effect.gen(function*() {
      const provider = yield* launch({ kind: "cache", name: "memory", ...serveCommand("memoryCache") })
      const socket = provider.channel.target
      const garbage = statusOf(yield* raw(socket, "/gestalt.provider.v1.Cache/Set", Buffer.from([0x0a, 0xff, 0xff, 0xff])))
      assert.strictEqual(garbage.code, Code.INVALID_ARGUMENT)
      assert.match(garbage.details, /^The Cache\.Set request is not a valid gestalt\.provider\.v1\.CacheSetRequest message: /)
      const version = statusOf(
        yield* raw(
          socket,
          "/gestalt.provider.v1.ProviderLifecycle/ConfigureProvider",
          encode(ConfigureProviderRequestSchema, { name: "memory", protocolVersion: 2 })
        )
      )
      assert.strictEqual(version.code, Code.FAILED_PRECONDITION)
      assert.strictEqual(version.details, "host requested protocol version 2, provider requires 3")
      const unknown = statusOf(yield* raw(socket, "/gestalt.provider.v1.Cache/Explode", Buffer.alloc(0)))
      assert.strictEqual(unknown.code, Code.UNIMPLEMENTED)
      const ok = yield* raw(socket, "/gestalt.provider.v1.Cache/Get", Buffer.from([0x0a, 0x01, 0x6b]))
      assert.isTrue(Buffer.isBuffer(ok), "the provider still answers")
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("fails to launch with the reason when the provider exits at once", () =>
    Effect.gen(function*() {
      const result = yield* Effect.result(launch({
        kind: "cache",
        name: "nothing",
        command: process.execPath,
        args: ["-e", "process.exit(3)"],
        maxRestarts: 0
      }))
      assert.strictEqual(result._tag, "Failure")
      if (result._tag === "Failure") {
        assert.strictEqual(result.failure.message, "The provider process 'nothing' exited with code 3 before it listened on its socket.")
      }
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("a provider stops by itself when the host named in GESTALT_PLUGIN_PARENT_PID is not its parent", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "gstp-"))
      const { args, command } = serveCommand("greeter")
      const child = spawn(command, args, {
        env: { PATH: process.env["PATH"] ?? "", GESTALT_PLUGIN_SOCKET: join(dir, "plugin.sock"), GESTALT_PLUGIN_PARENT_PID: "1" },
        stdio: "ignore"
      })
      const code = yield* Effect.callback<number | null>((resume) => {
        child.once("exit", (exitCode) => resume(Effect.succeed(exitCode)))
      }).pipe(Effect.timeoutOption("30 seconds"))
      assert.isTrue(Option.isSome(code), "the provider exited")
    }), { timeout: 60_000 })

  it.live("periodic health checks: a provider that answers not ready is restarted", () =>
    Effect.gen(function*() {
      const marker = join(mkdtempSync(join(tmpdir(), "strata-health-")), "unhealthy")
      const provider = yield* launch({
        kind: "integration",
        name: "flaky",
        ...serveCommand("flakyHealth"),
        env: { STRATA_TEST_UNHEALTHY: marker },
        healthIntervalMillis: 100,
        initialBackoffMillis: 50
      })
      const client = RemotePlugin.make(provider.channel, "flaky")
      const first = JSON.parse((yield* client.invoke("pid", {})).body).pid
      yield* Effect.sleep("300 millis")
      assert.strictEqual(yield* provider.restarts, 0, "healthy: left alone")
      writeFileSync(marker, "")
      while ((yield* provider.restarts) === 0) yield* Effect.sleep("50 millis")
      yield* provider.ready
      const second = JSON.parse((yield* client.invoke("pid", {})).body).pid
      assert.notStrictEqual(second, first, "a new process")
      assert.isFalse(existsSync(marker), "the old process saw the marker")
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("periodic health checks: a provider that does not answer is killed and restarted; calls in flight fail at once", () =>
    Effect.gen(function*() {
      const provider = yield* launch({
        kind: "integration",
        name: "flaky",
        ...serveCommand("flakyHealth"),
        healthIntervalMillis: 100,
        healthTimeoutMillis: 500,
        stopGraceMillis: 200,
        initialBackoffMillis: 50
      })
      const client = RemotePlugin.make(provider.channel, "flaky")
      const pid = (yield* provider.pid)!
      process.kill(pid, "SIGSTOP")
      const stuck = yield* Effect.result(client.invoke("pid", {}))
      assert.strictEqual(stuck._tag, "Failure", "the call to the stopped process fails")
      if (stuck._tag === "Failure") {
        assert.strictEqual(
          stuck.failure.message,
          "The provider process 'flaky' did not answer its health check within 500 ms; the host is restarting it."
        )
      }
      yield* provider.ready
      assert.strictEqual(yield* provider.restarts, 1)
      const again = JSON.parse((yield* client.invoke("pid", {})).body).pid
      assert.notStrictEqual(again, pid, "a new process")
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
