/**
 * The manifest metadata provider (MSC's `ManifestMetadataProvider`, config
 * type `manifest`): listings, `info` and `realpath` answered from an MSC
 * manifest held in memory, and writes recorded as pending until `commit`
 * writes a whole new manifest version.
 *
 * Options, as in MSC: `manifest_path` (required; relative to the storage's
 * base path), `writable` (false), `allow_overwrites` (false),
 * `manifest_format` (`jsonl`; `parquet` is refused), and
 * `storage_provider_profile` (read and write the manifest through another
 * profile).
 *
 * Differences from MSC, on purpose: a missing manifest is an empty one only
 * when `writable` (MSC logs a warning and lists nothing; a read-only profile
 * without a manifest fails with `NotFound` saying so, which is the more
 * useful answer to a mistyped `manifest_path`); a pending add of a path
 * cancels its pending remove (and the reverse) instead of the remove winning
 * at commit; and a commit that leaves no records still writes an (empty)
 * manifest, so removing the last file is not undone when the manifest is
 * read again.
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema, Semaphore, Stream } from "effect"
import * as posix from "node:path/posix"
import type { MetadataProviderFactory, MetadataProviderShape, ResolvedPath } from "../../services/MetadataProvider.ts"
import { closedOptions } from "../../services/ProviderRegistry.ts"
import { storageError } from "../../services/StorageProvider.ts"
import type { ObjectMetadata } from "../../services/StorageProvider.ts"
import { toUrl } from "../../services/StorageUrl.ts"
import { findIndex, readManifest, writeManifest } from "./manifestFiles.ts"
import type { ManifestStorage } from "./manifestFiles.ts"
import { INDEX_FILE } from "./manifestFormat.ts"
import type { ManifestRecord } from "./manifestFormat.ts"
import { hasKeyUnder, listTable, makeTable } from "./manifestTable.ts"

/** Symlink records followed at most this many times (MSC's `MAX_SYMLINK_DEPTH`). */
const MAX_SYMLINK_DEPTH = 8

/**
 * @since 0.1.0
 * @category models
 */
export interface ManifestOptions {
  readonly manifestPath: string
  readonly writable?: boolean | undefined
  readonly allowOverwrites?: boolean | undefined
}

const directoryRecord = (key: string): ObjectMetadata => ({ key, contentLength: 0, lastModified: new Date(0), type: "directory" })

/**
 * A manifest provider over `at`, loaded now from the newest manifest at
 * `manifestPath`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(at: ManifestStorage, options: ManifestOptions) {
  const manifestPath = options.manifestPath.replace(/^\/+|\/+$/g, "")
  const writable = options.writable === true
  const allowOverwrites = options.allowOverwrites === true
  const index = yield* findIndex(at.storage, manifestPath)
  if (Option.isNone(index) && !writable) {
    return yield* storageError(
      "NotFound",
      `No manifest at ${at.urlOf(manifestPath)} (no ${INDEX_FILE} there or in a version folder below it); ` +
        "write one with `strata manifest generate`, or set writable: true to start an empty one.",
      { operation: "metadata", key: manifestPath }
    )
  }
  let table = makeTable(Option.isSome(index) ? yield* readManifest(at, index.value) : [])
  const pendingAdds = new Map<string, ManifestRecord>()
  const pendingRemoves = new Set<string>()
  const commits = yield* Semaphore.make(1)

  const readOnly = (operation: string, key: string) =>
    storageError(
      "Unsupported",
      `Cannot ${operation} ${key} in the manifest at ${at.urlOf(manifestPath)}: it is read-only (set writable: true in the metadata_provider options).`,
      { operation, key }
    )

  const info: MetadataProviderShape["info"] = (key, infoOptions) =>
    Effect.suspend(() => {
      const pending = infoOptions?.includePending === true
      const record = table.records.get(key)
      if (record !== undefined && !(pending && pendingRemoves.has(key))) return Effect.succeed(record.meta)
      const added = pending ? pendingAdds.get(key) : undefined
      if (added !== undefined) return Effect.succeed(added.meta)
      const prefix = key.replace(/\/+$/, "") + "/"
      if (key === "") return Effect.succeed(directoryRecord(""))
      const committed = hasKeyUnder(table, prefix, (k) => !(pending && pendingRemoves.has(k)))
      if (committed || (pending && [...pendingAdds.keys()].some((k) => k.startsWith(prefix)))) {
        return Effect.succeed(directoryRecord(prefix))
      }
      return Effect.fail(storageError("NotFound", `No file or directory ${key} in the manifest.`, { operation: "info", key }))
    })

  const realpath: MetadataProviderShape["realpath"] = (key) =>
    Effect.suspend(() => {
      const visited = new Set<string>()
      let current = key
      for (let hop = 0; hop < MAX_SYMLINK_DEPTH; hop++) {
        const record = table.records.get(current)
        if (record === undefined) {
          return Effect.succeed<ResolvedPath>({ physicalPath: current, state: "untracked" })
        }
        if (record.symlinkTarget === undefined) return Effect.succeed<ResolvedPath>({ physicalPath: record.physicalPath, state: "exists" })
        if (visited.has(current)) {
          return Effect.fail(storageError("InvalidPath", `The manifest's symlinks loop at ${current}.`, { operation: "realpath", key }))
        }
        visited.add(current)
        current = posix.normalize(posix.join(posix.dirname(current), record.symlinkTarget))
      }
      return Effect.fail(
        storageError("InvalidPath", `Too many levels of symlinks (more than ${MAX_SYMLINK_DEPTH}) at ${key}.`, { operation: "realpath", key })
      )
    })

  const add: MetadataProviderShape["add"] = (key, record, physicalPath) =>
    Effect.suspend(() => {
      if (!writable) return Effect.fail(readOnly("add", key))
      if (!allowOverwrites && table.records.has(key)) {
        return Effect.fail(storageError(
          "AlreadyExists",
          `${key} is in the manifest already and its metadata_provider does not allow overwrites (allow_overwrites: false).`,
          { operation: "add", key }
        ))
      }
      pendingRemoves.delete(key)
      pendingAdds.set(key, {
        meta: { ...record, key },
        physicalPath: physicalPath ?? record.key,
        ...(record.metadata === undefined ? {} : { attributes: record.metadata })
      })
      return Effect.void
    })

  const remove: MetadataProviderShape["remove"] = (key) =>
    Effect.suspend(() => {
      if (!writable) return Effect.fail(readOnly("remove", key))
      if (!table.records.has(key)) {
        return Effect.fail(storageError("NotFound", `No file ${key} in the manifest.`, { operation: "remove", key }))
      }
      pendingAdds.delete(key)
      pendingRemoves.add(key)
      return Effect.void
    })

  const commit = Effect.gen(function*() {
    if (pendingAdds.size === 0 && pendingRemoves.size === 0) return
    const adds = [...pendingAdds]
    const removes = [...pendingRemoves]
    const records = new Map(table.records)
    for (const [key, record] of adds) records.set(key, record)
    for (const key of removes) records.delete(key)
    const next = makeTable(records.values())
    yield* writeManifest(at, manifestPath, next.keys.map((key) => next.records.get(key)!), new Date())
    table = next
    // Changes made while the manifest was written stay pending.
    for (const [key, record] of adds) if (pendingAdds.get(key) === record) pendingAdds.delete(key)
    for (const key of removes) pendingRemoves.delete(key)
  }).pipe(commits.withPermits(1), Effect.withSpan("MetadataProvider.commit"))

  const shape: MetadataProviderShape = {
    type: "manifest",
    writable,
    allowOverwrites,
    list: (listOptions) => Stream.suspend(() => Stream.fromIterable(listTable(table, listOptions))),
    info,
    realpath,
    add,
    remove,
    commit
  }
  return shape
})

const Options = closedOptions({
  manifest_path: Schema.String,
  writable: Schema.optional(Schema.Boolean),
  allow_overwrites: Schema.optional(Schema.Boolean),
  manifest_format: Schema.optional(Schema.Literals(["jsonl", "parquet"])),
  storage_provider_profile: Schema.optional(Schema.String)
})

/**
 * The `manifest` metadata provider type.
 *
 * @since 0.1.0
 * @category factories
 */
export const factory: MetadataProviderFactory<typeof Options.Type> = {
  type: "manifest",
  options: Options,
  make: (options, context) =>
    Effect.gen(function*() {
      if (options.manifest_format === "parquet") {
        return yield* storageError(
          "Unsupported",
          `Profile '${context.profile}' asks for Parquet manifests (manifest_format: parquet); strata reads and writes JSONL manifests only.`,
          { operation: "metadata" }
        )
      }
      const profile = options.storage_provider_profile ?? context.profile
      const storage = options.storage_provider_profile === undefined ? context.storage : yield* context.storageOf(profile)
      return yield* make({ storage, urlOf: (key) => toUrl(profile, key) }, {
        manifestPath: options.manifest_path,
        writable: options.writable,
        allowOverwrites: options.allow_overwrites
      })
    })
}
