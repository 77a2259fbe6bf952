/**
 * A real `redis-server` for tests and benchmarks: started on 127.0.0.1 at a
 * free port with persistence off (`--save "" --appendonly no`), ready once it
 * answers PING, stopped afterwards.
 *
 * When `redis-server` is not installed, `describeRedis` skips its block with
 * the message "redis-server not found: apt-get install -y redis-server"; under
 * `CI=true` the block fails instead, so CI cannot pass without the server.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import * as net from "node:net"
import { freePort } from "./ports.ts"
import { describeWithServer, spawnAnswering, terminate } from "./serverBlock.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** SIGTERM and wait for the process to end. */
  readonly stop: () => Promise<void>
  /** SIGKILL (a crash) and wait for the process to end. */
  readonly kill: () => Promise<void>
  /** SIGSTOP: the server keeps its connections but answers nothing (a hang). */
  readonly pause: () => void
  /** SIGCONT after `pause`. */
  readonly resume: () => void
}

/**
 * @since 0.1.0
 * @category constants
 */
export const notFoundMessage = "redis-server not found: apt-get install -y redis-server"

/**
 * Whether `redis-server` can be run.
 *
 * @since 0.1.0
 * @category checks
 */
export const redisServerInstalled: boolean = (() => {
  const probe = spawnSync("redis-server", ["--version"], { stdio: "ignore" })
  return probe.error === undefined && probe.status === 0
})()

/** One PING over a raw socket: true when the answer is +PONG. */
const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    let answer = ""
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once("error", () => done(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1")
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"))
    })
  })

/**
 * Starts a `redis-server` and waits (up to 10 s) until it answers PING.
 *
 * @since 0.1.0
 * @category servers
 */
export const startRedisServer = async (): Promise<RedisServer> => {
  const port = await freePort()
  const child = await spawnAnswering(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
    { name: "redis-server", port, answers: ping, withinMs: 10_000, pollMs: 50, noAnswer: "no answer to PING" }
  )
  const signal = (name: NodeJS.Signals) => () => terminate(child, name)
  const send = (name: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name)
  }
  const stop = async () => {
    send("SIGCONT")() // a paused server cannot act on SIGTERM
    await signal("SIGTERM")()
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    kill: signal("SIGKILL"),
    pause: send("SIGSTOP"),
    resume: send("SIGCONT")
  }
}

/**
 * A describe block with a Redis server shared by its tests (started in
 * `beforeAll`, stopped in `afterAll`); `server()` gives it inside tests and
 * lazily built layers. Skipped (or failed under CI) without `redis-server`.
 *
 * @since 0.1.0
 * @category vitest
 */
export const describeRedis = (name: string, body: (server: () => RedisServer) => void): void =>
  describeWithServer(name, {
    server: "Redis",
    suite: "Redis",
    program: "redis-server",
    installed: redisServerInstalled,
    notFoundMessage,
    start: () => startRedisServer(),
    startTimeoutMs: 20_000
  }, body)

export { freePort }
