/**
 * `strata artifacts serve`: the artifacts HTTP API over a root URL, with the
 * artifact types a module exports (`export const types = [...]`) and
 * Artisan's password → permissions map from a JSON file
 * (`{"<password>": ["read", "write", "delete"]}`; without one everything is
 * open, Artisan's default). Prints the URL it listens on, then serves until
 * interrupted.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Redacted, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpServer } from "effect/http"
import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import * as ArtifactsLive from "../../../layers/artifacts/ArtifactsLive.ts"
import * as ObjectMapperLive from "../../../layers/ObjectMapperLive.ts"
import { ArtifactError } from "../../../services/Artifacts.ts"
import type { AnyArtifactType } from "../../../services/Artifacts.ts"
import { ObjectMapper } from "../../../services/ObjectMapper.ts"
import { StorageClient } from "../../../services/StorageClient.ts"
import type { PasswordPermissions } from "../../artifacts/permissions.ts"
import { layerServer } from "../../artifacts/server.ts"
import { currentClient, emit } from "../context.ts"

const PermissionsFile = Schema.Record(Schema.String, Schema.Array(Schema.Literals(["read", "write", "delete"])))

const loadTypes = (module: string) =>
  Effect.tryPromise({
    try: () => import(pathToFileURL(resolve(module)).href) as Promise<{ types?: unknown; default?: unknown }>,
    catch: (cause) => new ArtifactError({ reason: "NotFound", message: `The types module ${module} could not be loaded: ${String(cause)}`, cause })
  }).pipe(Effect.flatMap((loaded) => {
    const types = loaded.types ?? loaded.default
    const valid = Array.isArray(types) && types.every((type) => typeof type?.name === "string" && typeof type?.build === "function")
    return valid
      ? Effect.succeed(types as ReadonlyArray<AnyArtifactType>)
      : Effect.fail(new ArtifactError({ reason: "UnknownType", message: `The types module ${module} must export \`types\`: an array of artifact types.` }))
  }))

const loadPermissions = (file: string) =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (cause) => new ArtifactError({ reason: "NotFound", message: `The permissions file ${file} cannot be read.`, cause })
    })
    const mapper = yield* ObjectMapper
    const parsed = yield* mapper.read(PermissionsFile, text, { filename: file }).pipe(
      Effect.mapError((error) => new ArtifactError({ reason: "InvalidSpec", message: error.message, cause: error }))
    )
    return Object.entries(parsed).map(([password, allow]): PasswordPermissions => ({ password: Redacted.make(password), allow }))
  }).pipe(Effect.provide(ObjectMapperLive.layer))

const serve = Command.make("serve", {
  root: Flag.String("root").pipe(Flag.withDescription("Where artifacts live: a local path or any storage URL (msc://profile/path).")),
  types: Flag.String("types").pipe(Flag.withDescription("A module exporting `types`, the artifact types specs may name.")),
  host: Flag.String("host").pipe(Flag.withDescription("Address to listen on."), Flag.withDefault("127.0.0.1")),
  port: Flag.Int("port").pipe(Flag.withDescription("Port to listen on (0 picks a free one)."), Flag.withDefault(8080)),
  permissions: Flag.String("permissions").pipe(
    Flag.withDescription("JSON file mapping passwords to [\"read\", \"write\", \"delete\"]. Default: everything open."),
    Flag.optional
  )
}, (flags) =>
  Effect.gen(function*() {
    const types = yield* loadTypes(flags.types)
    const permissions = flags.permissions._tag === "Some" ? yield* loadPermissions(flags.permissions.value) : undefined
    const client = yield* currentClient
    const services = ArtifactsLive.layer({ root: flags.root, types }).pipe(
      Layer.provide([ArtifactsLive.builderInProcess, ObjectMapperLive.layer]),
      Layer.provideMerge(Layer.succeed(StorageClient, client))
    )
    const server = layerServer({ host: flags.host, port: flags.port, permissions }).pipe(Layer.provide(services))
    yield* Effect.gen(function*() {
      const { address } = yield* HttpServer.HttpServer
      const url = address._tag === "UnixPathAddress" ? address.path : `http://${flags.host}:${address.port}`
      yield* emit(() => `listening on ${url}`, () => ({ url }))
      return yield* Effect.never
    }).pipe(Effect.provide(server))
  }).pipe(Effect.scoped)).pipe(Command.withDescription("Serve the artifacts HTTP API (Artisan's) over a root."))

/**
 * @since 0.1.0
 * @category commands
 */
export const artifacts = Command.make("artifacts").pipe(
  Command.withDescription("Typed directories built from specs."),
  Command.withSubcommands([serve])
)
