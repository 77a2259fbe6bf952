/**
 * URLs to (profile, key), as MSC resolves them (§2), without I/O:
 *
 * - `msc://profile/path`: runs of "/" in the path collapse, the leading "/"
 *   goes, and `?query` / `#fragment` stay part of the key
 *   (`msc://p/dir/file1.tx?` is key `dir/file1.tx?`). `msc:/profile/x` (what
 *   path libraries make of `msc://`) is repaired. The profile must be in the
 *   config, be `__filesystem__`, or be an implicit profile (`_s3-bucket`).
 * - anything else is first matched against `path_mapping`, longest prefix
 *   first;
 * - local paths (`/abs`, `relative`, `file:///abs`) go to `__filesystem__`
 *   with key = the normalised absolute path without its leading "/" (a valid
 *   key under base path "/"); "." and ".." are resolved lexically and
 *   relative paths are resolved against `cwd` (MSC uses `realpath`, which
 *   also follows symlinks; this module does no I/O);
 * - `s3://b/k`, `gs://b/k`, `ais://b/k` go to the implicit profiles `_s3-b`,
 *   `_gs-b` (provider `gcs`), `_ais-b` with key `k`; strata extension:
 *   `az://container/k` goes to `_az-container` (provider `azure`).
 *
 * Choices where MSC differs: a scheme needs `://` (so `notes:v1.txt` is a
 * relative file name); `file://host/x` is refused unless the host is empty or
 * `localhost`; `?` and `#` stay in object keys of `s3://`-style URLs too (MSC
 * drops them there); a mapped local path matches its prefix also without the
 * trailing "/" (`/lustre/a` with mapping `/lustre/a/` is the profile's root).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ProfileConfig, StorageConfig } from "./StorageConfig.ts"
import { FILESYSTEM_PROFILE, FILESYSTEM_PROFILE_CONFIG } from "./StorageConfig.ts"
import { StorageError } from "./StorageProvider.ts"

/**
 * Where a URL points: a profile and a key relative to its base path.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedUrl {
  readonly profile: string
  readonly key: string
}

/**
 * URL schemes that make implicit profiles, and their provider types.
 *
 * @since 0.1.0
 * @category constants
 */
export const IMPLICIT_SCHEMES: Readonly<Record<string, string>> = { s3: "s3", gs: "gcs", ais: "ais", az: "azure" }

const IMPLICIT_NAME = /^_([a-z0-9]+)-(.+)$/
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//

/**
 * The config of an implicit profile (`_s3-bucket`, `_gs-bucket`,
 * `_ais-bucket`, `_az-container`, and `__filesystem__`): the provider type of
 * the scheme with the bucket as base path and the SDK's default credentials.
 *
 * @since 0.1.0
 * @category profiles
 */
export const implicitProfile = (profile: string): ProfileConfig | undefined => {
  if (profile === FILESYSTEM_PROFILE) return FILESYSTEM_PROFILE_CONFIG
  const match = IMPLICIT_NAME.exec(profile)
  const type = match === null ? undefined : IMPLICIT_SCHEMES[match[1]!]
  if (match === null || type === undefined || !Object.hasOwn(IMPLICIT_SCHEMES, match[1]!)) return undefined
  return { storage_provider: { type, options: { base_path: match[2]! } } }
}

/**
 * Whether a profile name can be used with this config: defined in it,
 * `__filesystem__`, or implicit.
 *
 * @since 0.1.0
 * @category profiles
 */
export const isKnownProfile = (config: StorageConfig, profile: string): boolean =>
  Object.hasOwn(config.profiles, profile) || implicitProfile(profile) !== undefined

const invalid = (url: string, why: string) =>
  Effect.fail(new StorageError({ reason: "InvalidPath", message: `Cannot resolve the URL '${url}': ${why}.` }))

const unknownProfile = (url: string, profile: string, config: StorageConfig) => {
  const known = [...new Set([...Object.keys(config.profiles), FILESYSTEM_PROFILE])].toSorted()
  return Effect.fail(
    new StorageError({
      reason: "NotFound",
      profile,
      message: `Unknown profile '${profile}' in '${url}'${
        config.file === undefined ? "" : ` (config: ${config.file})`
      }; known profiles: ${known.join(", ")}.`
    })
  )
}

/** Splits at the first `?` or `#`: the path part and the rest, kept verbatim. */
const splitTail = (text: string): readonly [string, string] => {
  const end = text.search(/[?#]/)
  return end === -1 ? [text, ""] : [text.slice(0, end), text.slice(end)]
}

const resolveMsc = (url: string, config: StorageConfig): Effect.Effect<ResolvedUrl, StorageError> => {
  const rest = url.slice("msc://".length)
  const end = rest.search(/[/?#]/)
  const profile = end === -1 ? rest : rest.slice(0, end)
  if (profile === "") return invalid(url, "it names no profile (expected msc://profile/path)")
  if (!isKnownProfile(config, profile)) return unknownProfile(url, profile, config)
  const [pathPart, tail] = splitTail(end === -1 ? "" : rest.slice(end))
  return Effect.succeed({ profile, key: pathPart.replace(/\/+/g, "/").replace(/^\//, "") + tail })
}

/**
 * `path` made absolute against `cwd`, with empty and "." segments dropped
 * and ".." applied lexically (never above "/"); no trailing "/".
 *
 * @since 0.1.0
 * @category resolving
 */
export const normalizeLocalPath = (cwd: string, path: string): string => {
  const segments: Array<string> = []
  for (const segment of (path.startsWith("/") ? path : `${cwd}/${path}`).split("/")) {
    if (segment === "" || segment === ".") continue
    if (segment === "..") segments.pop()
    else segments.push(segment)
  }
  return `/${segments.join("/")}`
}

/** The mapped location, checking that the mapping's profile exists (a hand-built config may name any). */
const mapped = (url: string, profile: string, key: string, config: StorageConfig) =>
  isKnownProfile(config, profile) ? Effect.succeed({ profile, key }) : unknownProfile(url, profile, config)

const resolveLocal = (url: string, absolute: string, config: StorageConfig): Effect.Effect<ResolvedUrl, StorageError> => {
  // Prefixes end with "/", so compare with the directory form of the path.
  const asDirectory = absolute === "/" ? "/" : `${absolute}/`
  const mapping = config.pathMapping.find(({ prefix }) => prefix.startsWith("/") && asDirectory.startsWith(prefix))
  return mapping === undefined
    ? Effect.succeed({ profile: FILESYSTEM_PROFILE, key: absolute.slice(1) })
    : mapped(url, mapping.profile, absolute.slice(mapping.prefix.length), config)
}

/**
 * Resolves a URL or local path (see the module notes). Fails with reason
 * `InvalidPath` for URLs it cannot read (unknown scheme, no bucket, no
 * profile) and `NotFound` for an unknown profile, naming the URL.
 *
 * @since 0.1.0
 * @category resolving
 */
export const resolveUrl = (url: string, config: StorageConfig, cwd: string): Effect.Effect<ResolvedUrl, StorageError> => {
  const repaired = /^msc:\/(?!\/)/i.test(url) ? `msc://${url.slice("msc:/".length)}` : url
  const scheme = SCHEME.exec(repaired)?.[1]?.toLowerCase()
  if (scheme === "msc") return resolveMsc(repaired, config)
  if (scheme === undefined) return resolveLocal(url, normalizeLocalPath(cwd, url), config)
  const rest = repaired.slice(scheme.length + "://".length)
  if (scheme === "file") {
    const slash = rest.indexOf("/")
    const host = slash === -1 ? rest : rest.slice(0, slash)
    if (host !== "" && host.toLowerCase() !== "localhost") {
      return invalid(url, `file URLs name a local absolute path (file:///path), not a host ('${host}')`)
    }
    return resolveLocal(url, normalizeLocalPath("/", slash === -1 ? "/" : rest.slice(slash)), config)
  }
  const end = rest.search(/[/?#]/)
  const bucket = end === -1 ? rest : rest.slice(0, end)
  const remainder = end === -1 ? "" : rest.slice(end)
  const key = remainder.replace(/^\//, "")
  const canonical = `${scheme}://${bucket}/${key}`
  const mapping = config.pathMapping.find(({ prefix }) => !prefix.startsWith("/") && canonical.startsWith(prefix))
  if (mapping !== undefined) {
    return mapped(url, mapping.profile, canonical.slice(mapping.prefix.length).replace(/^\//, ""), config)
  }
  if (!Object.hasOwn(IMPLICIT_SCHEMES, scheme)) {
    return invalid(
      url,
      `the scheme '${scheme}://' is not supported (expected msc://profile/path, a local path, file://, ` +
        `s3://, gs://, ais:// or az://, or a path_mapping prefix)`
    )
  }
  if (bucket === "") return invalid(url, `a bucket name is required for ${scheme}:// URLs (${scheme}://bucket/key)`)
  return Effect.succeed({ profile: `_${scheme}-${bucket}`, key })
}

/**
 * The URL of a key: `msc://profile/key`, or the absolute path `/key` for
 * `__filesystem__`.
 *
 * @since 0.1.0
 * @category resolving
 */
export const toUrl = (profile: string, key: string): string =>
  profile === FILESYSTEM_PROFILE ? `/${key}` : `msc://${profile}/${key}`
