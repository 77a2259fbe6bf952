/**
 * The `StorageClient`: URLs resolved to profiles, one lazily built provider
 * stack per profile, and MSC's path semantics on top (a path names a file or
 * a directory, never a partial prefix).
 *
 * Every error is a `StorageError` with `profile` set and a sentence naming
 * the URL. Choices where MSC leaves room:
 * - a profile that cannot be built (unregistered type, bad options, a
 *   `ConfigError` from the factory) fails its operations with reason
 *   `Unsupported`, the `ConfigError` kept as `cause`; `layer` checks provider
 *   options up front so such mistakes usually surface as a `ConfigError` at
 *   startup;
 * - a file operation on a directory, and `delete` of a directory without
 *   `recursive`, fail with reason `InvalidPath` ("... is a directory");
 * - `startAfter >= endAt` fails with reason `InvalidRange`.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Option, Stream } from "effect"
import type { Scope } from "effect"
import * as path from "node:path"
import { ProviderRegistry } from "../services/ProviderRegistry.ts"
import { StorageClient } from "../services/StorageClient.ts"
import type { ClientListOptions, ListedObject, StorageClientShape } from "../services/StorageClient.ts"
import type { ConfigError, StorageConfig } from "../services/StorageConfig.ts"
import { StorageError } from "../services/StorageProvider.ts"
import type { Body, PutOptions, ReadOptions } from "../services/StorageProvider.ts"
import { resolveUrl, toUrl } from "../services/StorageUrl.ts"
import { loadConfig, validateProviderOptions } from "./StorageConfigLoader.ts"
import { withContext } from "./storage/errors.ts"
import { commitProfileMetadata } from "./storage/commit.ts"
import {
  explainMissing,
  fileKey,
  globTarget,
  infoTarget,
  isEmptyTarget,
  listTarget
} from "./storage/listing.ts"
import type { Target } from "./storage/listing.ts"
import { splitGlob } from "./storage/glob.ts"
import { readLocalFile, writeLocalFileAtomically } from "./storage/localFiles.ts"
import { makeProfileProviders } from "./storage/profiles.ts"
import { copyTarget, deleteTarget, readVersion, writeKey } from "./storage/transfer.ts"
import { syncTargets } from "./storage/sync.ts"
import type { SyncOptions } from "../services/StorageSync.ts"
import type { ProviderWrap } from "./storage/profiles.ts"

export type { ProviderWrap } from "./storage/profiles.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface StorageClientOptions {
  readonly config: StorageConfig
  readonly registry: ProviderRegistry["Service"]
  /** Relative local paths are resolved against it (default: the process's). */
  readonly cwd?: string | undefined
  /** Wraps each profile's provider once built (retry, instrumentation, read cache ...); identity by default. */
  readonly wrap?: ProviderWrap | undefined
}

/**
 * A client over a resolved config. Providers are built on first use of their
 * profile, inside the scope this effect runs in, and released with it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStorageClient = (
  options: StorageClientOptions
): Effect.Effect<StorageClientShape, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { config } = options
    const cwd = options.cwd ?? process.cwd()
    const scope = yield* Effect.scope
    const providers = makeProfileProviders({ config, registry: options.registry, scope, wrap: options.wrap })

    const resolve = (url: string) => resolveUrl(url, config, cwd)

    const target = (url: string): Effect.Effect<Target, StorageError> =>
      Effect.gen(function*() {
        const { key, profile } = yield* resolve(url)
        // Validates the profile before the provider is needed, so an unknown one fails here.
        const provider = yield* providers.get(profile)
        const metadata = yield* providers.metadata(profile)
        return { url, profile, key, provider: Option.isSome(metadata) ? metadata.value.view : provider }
      })

    const list = (url: string, listOptions: ClientListOptions = {}) =>
      Stream.unwrap(Effect.map(target(url), (resolved) =>
        listTarget(resolved, listOptions).pipe(
          Stream.map((entry): ListedObject => ({ ...entry, url: toUrl(resolved.profile, entry.key) }))
        )))

    const glob = Effect.fn("StorageClient.glob")(function*(pattern: string) {
      const resolved = yield* target(pattern)
      const matches = yield* globTarget(resolved)
      const { key, profile } = resolved
      // Answer in the form of the question: the pattern's text up to its
      // glob part, when resolving left that part unchanged.
      const { prefix: literal, rest } = splitGlob(key)
      const base = rest !== "" && pattern.endsWith(rest) ? pattern.slice(0, pattern.length - rest.length) : undefined
      return matches.map((match) =>
        base !== undefined && match.key.startsWith(literal)
          ? base + match.key.slice(literal.length)
          : toUrl(profile, match.key)
      )
    })

    const info = Effect.fn("StorageClient.info")(function*(url: string) {
      return yield* infoTarget(yield* target(url))
    })

    const isFile = Effect.fn("StorageClient.isFile")(function*(url: string) {
      const resolved = yield* target(url)
      const file = yield* infoTarget(resolved).pipe(
        Effect.map(Option.some),
        Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(Option.none()))
      )
      return Option.isSome(file) && file.value.type === "file"
    })

    const isEmpty = Effect.fn("StorageClient.isEmpty")(function*(url: string) {
      return yield* isEmptyTarget(yield* target(url))
    })

    const read = Effect.fn("StorageClient.read")(function*(url: string, readOptions?: ReadOptions) {
      const resolved = yield* target(url)
      const key = yield* fileKey(resolved, "read")
      return yield* resolved.provider.getBytes(key, readOptions).pipe(
        Effect.catch(explainMissing(resolved, "read"))
      )
    })

    const open = (url: string, readOptions?: ReadOptions): Stream.Stream<Uint8Array, StorageError> =>
      Stream.unwrap(Effect.gen(function*() {
        const resolved = yield* target(url)
        const key = yield* fileKey(resolved, "open")
        return resolved.provider.read(key, readOptions).pipe(
          Stream.catch((error) => Stream.fromEffect(explainMissing(resolved, "open")(error)))
        )
      }))

    const write = <E = never>(url: string, body: Body<E>, putOptions?: PutOptions) =>
      Effect.gen(function*() {
        const resolved = yield* target(url)
        const key = yield* writeKey(resolved, "write")
        return yield* resolved.provider.put(key, body, putOptions).pipe(
          Effect.mapError((error) =>
            error instanceof StorageError ? withContext(error, resolved.profile, url) : error
          )
        )
      }).pipe(Effect.withSpan("StorageClient.write"))

    const copy = Effect.fn("StorageClient.copy")(function*(source: string, destination: string) {
      return yield* copyTarget(yield* target(source), yield* target(destination))
    })

    const remove = Effect.fn("StorageClient.delete")(
      function*(url: string, deleteOptions?: { readonly recursive?: boolean | undefined }) {
        return yield* deleteTarget(yield* target(url), deleteOptions?.recursive === true)
      }
    )

    const uploadFile = Effect.fn("StorageClient.uploadFile")(function*(url: string, localPath: string) {
      const resolved = yield* target(url)
      const key = yield* writeKey(resolved, "uploadFile")
      const content = yield* readLocalFile(path.resolve(cwd, localPath), "uploadFile")
      return yield* resolved.provider.put(key, content).pipe(
        Effect.mapError((error) => withContext(error, resolved.profile, url))
      )
    })

    const downloadFile = Effect.fn("StorageClient.downloadFile")(function*(url: string, localPath: string) {
      const resolved = yield* target(url)
      const key = yield* fileKey(resolved, "downloadFile")
      const meta = yield* resolved.provider.head(key).pipe(Effect.catch(explainMissing(resolved, "downloadFile")))
      const content = readVersion(resolved, key, meta)
      yield* writeLocalFileAtomically(path.resolve(cwd, localPath), content, "downloadFile")
    })

    const commitMetadata = Effect.fn("StorageClient.commitMetadata")(function*(url: string) {
      const { key, profile } = yield* resolve(url)
      const metadata = yield* providers.metadata(profile)
      if (Option.isNone(metadata)) return false
      yield* commitProfileMetadata(yield* providers.get(profile), metadata.value.provider, key).pipe(
        Effect.mapError((error) => withContext(error, profile, url))
      )
      return true
    })

    const sync = Effect.fn("StorageClient.sync")(function*(source: string, destination: string, syncOptions?: SyncOptions) {
      return yield* syncTargets(yield* target(source), yield* target(destination), syncOptions)
    })

    return StorageClient.of({
      resolve,
      provider: providers.get,
      list,
      glob,
      info,
      isFile,
      isEmpty,
      read,
      open,
      write,
      copy,
      delete: remove,
      uploadFile,
      downloadFile,
      commitMetadata,
      sync
    })
  })

/**
 * The client over a loaded config, with providers from the `ProviderRegistry`.
 * Every profile's provider options are checked against the registry first,
 * so a mistake in the config fails the layer with a `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: StorageConfig,
  options: { readonly cwd?: string | undefined; readonly wrap?: ProviderWrap | undefined } = {}
): Layer.Layer<StorageClient, ConfigError, ProviderRegistry> =>
  Layer.effect(
    StorageClient,
    Effect.gen(function*() {
      const registry = yield* ProviderRegistry
      yield* validateProviderOptions(config, registry)
      return yield* makeStorageClient({ config, registry, cwd: options.cwd, wrap: options.wrap })
    })
  )

/**
 * The client over the config file found as MSC finds it (`file`, else
 * `$MSC_CONFIG`, the XDG paths ...), checked as by `layer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromConfig = (options: {
  readonly file?: string | undefined
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd?: string | undefined
  readonly wrap?: ProviderWrap | undefined
}): Layer.Layer<StorageClient, ConfigError, ProviderRegistry> =>
  Layer.unwrap(
    Effect.map(
      loadConfig({
        ...(options.file === undefined ? {} : { file: options.file }),
        env: options.env,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd })
      }),
      (config) => layer(config, { cwd: options.cwd, wrap: options.wrap })
    )
  )
