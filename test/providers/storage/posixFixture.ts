/**
 * Fixtures of the POSIX provider tests: a scratch directory per test with a
 * base directory (the provider's) and a sibling "outside" directory holding
 * a secret that no key may reach.
 */
import { Effect, Stream } from "effect"
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, chmodSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Posix from "../../../src/providers/storage/posix.ts"
import type { StorageProviderShape } from "../../../src/services/StorageProvider.ts"

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (data: Uint8Array): string => new TextDecoder().decode(data)

/** A fresh directory for the life of the current scope. */
export const scratchDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "strata-posix-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

export interface Setup {
  readonly dir: string
  readonly base: string
  readonly outside: string
  readonly p: StorageProviderShape
}

/** A provider over `<scratch>/base`, with `<scratch>/outside/secret.txt` next to it. */
export const setup = (options: { readonly fsync?: boolean } = {}) =>
  Effect.gen(function*() {
    const dir = yield* scratchDir
    const base = join(dir, "base")
    const outside = join(dir, "outside")
    mkdirSync(base)
    mkdirSync(outside)
    writeFileSync(join(outside, "secret.txt"), "secret")
    const p = yield* Posix.make({ basePath: base, ...options })
    return { dir, base, outside, p } satisfies Setup
  })

/** Writes files under `base` directly (creating directories). */
export const seed = (base: string, files: ReadonlyArray<string>): void => {
  for (const key of files) {
    const path = join(base, key)
    mkdirSync(join(path, ".."), { recursive: true })
    writeFileSync(path, key)
  }
}

export const listKeys = (p: StorageProviderShape, options: Parameters<StorageProviderShape["list"]>[0] = {}) =>
  Effect.map(Stream.runCollect(p.list(options)), (entries) =>
    entries.map((entry) => (entry.type === "directory" ? `${entry.key}/` : entry.key)))

/** Every file name below `dir`, recursively, as relative paths (sorted). */
export const filesOnDisk = (dir: string): Array<string> =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<import("node:fs").Dirent>)
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .toSorted()

/**
 * Whether this process can read a file of mode 000 (root, or a capability
 * like CAP_DAC_OVERRIDE): then permission tests cannot fail and are skipped.
 */
export const ignoresPermissions = ((): boolean => {
  const dir = mkdtempSync(join(tmpdir(), "strata-perm-"))
  try {
    const file = join(dir, "probe")
    writeFileSync(file, "x")
    chmodSync(file, 0o000)
    try {
      closeSync(openSync(file, "r"))
      return true
    } catch {
      return false
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})()

/** Open descriptors of this process (Linux), to find leaks. */
export const openFds = (): number | undefined =>
  existsSync("/proc/self/fd") ? readdirSync("/proc/self/fd").length : undefined
