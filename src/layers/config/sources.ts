/**
 * Where a loaded config's nodes are in its files, kept beside the config
 * (not in it) so that checks made later, such as provider options against a
 * registry, can still say `file:line:column`.
 *
 * @since 0.1.0
 */
import type { StorageConfig } from "../../services/StorageConfig.ts"
import type { SourceFile } from "./problems.ts"

const store = new WeakMap<StorageConfig, ReadonlyArray<SourceFile>>()

/**
 * Remembers the files a config was loaded from (main file first).
 *
 * @since 0.1.0
 * @category sources
 */
export const attachSources = (config: StorageConfig, sources: ReadonlyArray<SourceFile>): StorageConfig => {
  store.set(config, sources)
  return config
}

/**
 * The files a config was loaded from; empty for a config built in code.
 *
 * @since 0.1.0
 * @category sources
 */
export const sourcesOf = (config: StorageConfig): ReadonlyArray<SourceFile> => store.get(config) ?? []
