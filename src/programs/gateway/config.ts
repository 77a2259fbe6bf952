/**
 * The gateway's config file (YAML): which contracts it serves, their
 * versions and states, where their PII salts come from, the API keys (as
 * SHA-256 hashes, never the keys), the rate limit and where events go.
 *
 * ```yaml
 * storage: ./gateway-data          # any storage URL: msc://profile/dir, s3://..., a local dir
 * rate_limit: {requests_per_second: 100, burst: 1000}
 * contracts:
 *   - id: orders
 *     multi_stable_resolution: fallback   # or strict (default)
 *     pii_salt_env: ORDERS_PII_SALT       # the salt is read from this variable
 *     versions:
 *       - {file: orders-1.0.yaml, state: stable, promoted_at: "2026-01-01T00:00:00Z"}
 *       - {file: orders-1.1.yaml, state: draft}
 * api_keys:
 *   - {name: ci, sha256: 9f86d0..., contracts: [orders]}   # no `contracts`: every contract
 *   - {name: bulk, sha256: 2c26b4..., rate_limit: {requests_per_second: 1000, burst: 5000}}
 * ```
 *
 * ContractGate keeps these in its database; a file keeps the gateway
 * stateless and reviewable. Contract ids are names (`[A-Za-z0-9_-]+`), not
 * only UUIDs.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Result, Schema } from "effect"
import { readFile } from "node:fs/promises"
import { dirname, resolve } from "node:path"
import { ContractError } from "../../services/Contracts.ts"
import { problemsFromIssue } from "../../layers/config/issues.ts"
import { parseYaml } from "../../layers/config/parseText.ts"
import { toConfigError } from "../../layers/config/problems.ts"

const Id = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_-]+$/, { expected: "a name of letters, digits, '_' or '-'" }))

const RateLimit = Schema.Struct({
  requests_per_second: Schema.Finite.check(Schema.isGreaterThan(0)),
  burst: Schema.Int.check(Schema.isGreaterThan(0))
})

/**
 * @since 0.1.0
 * @category models
 */
export const GatewayFile = Schema.Struct({
  storage: Schema.String,
  rate_limit: Schema.optional(RateLimit),
  contracts: Schema.Array(Schema.Struct({
    id: Id,
    multi_stable_resolution: Schema.optional(Schema.Literals(["strict", "fallback"])),
    pii_salt_env: Schema.optional(Schema.String),
    versions: Schema.Array(Schema.Struct({
      file: Schema.String,
      state: Schema.Literals(["draft", "stable", "deprecated"]),
      promoted_at: Schema.optional(Schema.String)
    })).check(Schema.isMinLength(1))
  })),
  api_keys: Schema.Array(Schema.Struct({
    name: Schema.String,
    sha256: Schema.String.check(Schema.isPattern(/^[0-9a-f]{64}$/, { expected: "64 lowercase hex digits" })),
    contracts: Schema.optional(Schema.Array(Id)),
    rate_limit: Schema.optional(RateLimit)
  }))
})
export type GatewayFile = typeof GatewayFile.Type

/**
 * A decoded config with files resolved against its directory and salts read.
 *
 * @since 0.1.0
 * @category models
 */
export interface GatewayConfig {
  readonly file: string
  readonly content: GatewayFile
  /** Contract file paths, resolved. */
  readonly contractFile: (path: string) => string
  readonly salts: ReadonlyMap<string, Redacted.Redacted<Uint8Array>>
}

const configError = (file: string, message: string) => new ContractError({ message: `${file}: ${message}`, file })

/**
 * Parses the gateway config text; salts come from `env`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseGatewayConfig = (
  text: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>
): Result.Result<GatewayConfig, ContractError> => {
  const parsed = parseYaml(text, file, { version: "1.2" })
  if (Result.isFailure(parsed)) {
    const error = toConfigError([{ path: [], file, position: parsed.failure.position, message: parsed.failure.message }], [], file)
    return Result.fail(new ContractError({ message: error.message, file }))
  }
  const decoded = Schema.decodeUnknownResult(GatewayFile)(parsed.success.value, { errors: "all" })
  if (Result.isFailure(decoded)) {
    const error = toConfigError(problemsFromIssue(decoded.failure.issue), [parsed.success.source], file)
    return Result.fail(new ContractError({ message: error.message, file }))
  }
  const content = decoded.success
  const salts = new Map<string, Redacted.Redacted<Uint8Array>>()
  for (const contract of content.contracts) {
    if (contract.pii_salt_env === undefined) continue
    const value = env[contract.pii_salt_env]
    if (value === undefined || value === "") {
      return Result.fail(configError(
        file,
        `contract '${contract.id}' takes its PII salt from $${contract.pii_salt_env}, which is not set`
      ))
    }
    salts.set(contract.id, Redacted.make(new TextEncoder().encode(value)))
  }
  const base = dirname(resolve(file))
  // A relative local path is relative to the config file, like the contract files.
  const storage = /^[a-z][a-z0-9+.-]*:\/\//i.test(content.storage) ? content.storage : resolve(base, content.storage)
  return Result.succeed({ file, content: { ...content, storage }, salts, contractFile: (path) => resolve(base, path) })
}

/**
 * Reads and parses the gateway config file.
 *
 * @since 0.1.0
 * @category parsing
 */
export const loadGatewayConfig = (file: string, env: Readonly<Record<string, string | undefined>>) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (error) => configError(file, `cannot read the gateway config (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }).pipe(Effect.flatMap((text) => Effect.fromResult(parseGatewayConfig(text, file, env))))
