/**
 * `strata gateway serve --gateway FILE`: the contract ingest gateway over
 * HTTP, until interrupted (Ctrl-C ends it cleanly, exit 130). Events go to
 * the storage URL the gateway config names, through the profiles of the
 * usual `--config` file.
 *
 * `strata gateway hash-key`: the SHA-256 to put in the gateway config for an
 * API key read from stdin (never from argv, where `ps` would show it).
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Console, Effect, Layer, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpRouter, HttpServer } from "effect/http"
import { createServer } from "node:http"
import { hashApiKey } from "../../gateway/auth.ts"
import { gatewayLayer } from "../../gateway/server.ts"
import { currentClient, emit } from "../context.ts"

const serve = Command.make("serve", {
  gateway: Flag.String("gateway").pipe(Flag.withDescription("The gateway config (YAML): contracts, versions, API key hashes, storage.")),
  host: Flag.String("host").pipe(Flag.withDescription("Address to listen on."), Flag.withDefault("127.0.0.1")),
  port: Flag.Int("port").pipe(Flag.withDescription("Port to listen on (0: any free port)."), Flag.withDefault(8080))
}, ({ gateway, host, port }) =>
  Effect.gen(function*() {
    const client = yield* currentClient
    const announce = Layer.effectDiscard(
      HttpServer.addressFormattedWith((address) => emit(() => `strata gateway listening on ${address}`, () => ({ listening: address })))
    )
    const routes = gatewayLayer({ configFile: gateway, env: process.env, client })
    // We announce the address ourselves (and as JSON with --json).
    const app = Layer.mergeAll(HttpRouter.serve(routes, { disableListenLog: true }), announce).pipe(
      Layer.provide(NodeHttpServer.layer(createServer, { port, host }))
    )
    return yield* Layer.launch(app)
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Serve the contract ingest gateway over HTTP until interrupted."))

const hashKey = Command.make("hash-key", {}, () =>
  Effect.gen(function*() {
    const chunks: Array<Buffer> = []
    const text = yield* Effect.promise(async () => {
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString("utf8").trim()
    })
    if (text === "") return yield* Console.error("strata: give the API key on stdin, e.g. `printf %s \"$KEY\" | strata gateway hash-key`.")
    const digest = hashApiKey(Redacted.make(text))
    yield* emit(() => digest, () => ({ sha256: digest }))
  })).pipe(Command.withDescription("Print the SHA-256 of an API key read from stdin, for the gateway config."))

/**
 * @since 0.1.0
 * @category commands
 */
export const gateway = Command.make("gateway").pipe(
  Command.withDescription("The data contract ingest gateway."),
  Command.withSubcommands([serve, hashKey])
)
