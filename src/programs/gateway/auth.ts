/**
 * API keys: the config holds SHA-256 hashes only; a presented key
 * (`x-api-key`) is hashed and compared with every configured hash in
 * constant time (`timingSafeEqual`, no early exit), so neither the hash
 * store nor response timing gives a key away. A key may be limited to some
 * contracts.
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"
import type { GatewayFile } from "./config.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ApiKey {
  readonly name: string
  readonly contracts: ReadonlySet<string> | undefined
  readonly rateLimit: { readonly requests_per_second: number; readonly burst: number } | undefined
}

/**
 * `sha256` hex of a key, as the config stores it.
 *
 * @since 0.1.0
 * @category auth
 */
export const hashApiKey = (key: Redacted.Redacted<string>): string =>
  createHash("sha256").update(Redacted.value(key), "utf8").digest("hex")

/**
 * The key checker of a config: the key's record, or undefined when the key
 * is unknown.
 *
 * @since 0.1.0
 * @category auth
 */
export const makeAuthenticator = (keys: GatewayFile["api_keys"]) => {
  const known = keys.map((key) => ({
    digest: Buffer.from(key.sha256, "hex"),
    key: {
      name: key.name,
      contracts: key.contracts === undefined ? undefined : new Set(key.contracts),
      rateLimit: key.rate_limit
    } satisfies ApiKey
  }))
  return (presented: Redacted.Redacted<string>): ApiKey | undefined => {
    const digest = createHash("sha256").update(Redacted.value(presented), "utf8").digest()
    let found: ApiKey | undefined
    // Every hash is compared, found or not: the time taken does not depend on which key matched.
    for (const entry of known) if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.key
    return found
  }
}

/**
 * Whether a key may use a contract.
 *
 * @since 0.1.0
 * @category auth
 */
export const mayUse = (key: ApiKey, contractId: string): boolean => key.contracts === undefined || key.contracts.has(contractId)
