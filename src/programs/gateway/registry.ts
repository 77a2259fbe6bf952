/**
 * The contracts a gateway serves, compiled once at start, and version
 * resolution: a pin (path `@1.2`, header `X-Contract-Version`, query
 * `?version=`) names a version; without one, the newest stable version
 * (by `promoted_at`, then file order) decides, and under `fallback` the other
 * stables, newest first, get a second chance at failed events.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { readFile } from "node:fs/promises"
import { ContractError } from "../../services/Contracts.ts"
import type { CompiledContract } from "../../services/Contracts.ts"
import { compileContract } from "../../layers/ContractsLive.ts"
import { parseContractYaml } from "../../layers/contracts/contractYaml.ts"
import type { GatewayConfig } from "./config.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ContractVersion {
  readonly version: string
  readonly state: "draft" | "stable" | "deprecated"
  readonly promotedAt: number
  readonly compiled: CompiledContract
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ServedContract {
  readonly id: string
  readonly fallback: boolean
  readonly versions: ReadonlyMap<string, ContractVersion>
  /** Stable versions, newest first. */
  readonly stables: ReadonlyArray<ContractVersion>
}

/**
 * Where the version came from, as ContractGate's `version_pin_source`.
 *
 * @since 0.1.0
 * @category models
 */
export type PinSource = "header" | "path" | "query_param" | "default_stable" | "pinned_deprecated"

/**
 * @since 0.1.0
 * @category models
 */
export type Resolution =
  | { readonly _tag: "Resolved"; readonly version: ContractVersion; readonly source: PinSource; readonly fallbacks: ReadonlyArray<ContractVersion> }
  | { readonly _tag: "Deprecated"; readonly version: ContractVersion; readonly latestStable: string | null }
  | { readonly _tag: "VersionNotFound"; readonly message: string }
  | { readonly _tag: "NoStable"; readonly message: string }

/**
 * Resolves the version an ingest uses. `pin` is the first of header, path
 * and query that was given (header beats path, as in the reference).
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolveVersion = (
  contract: ServedContract,
  pin: { readonly version: string; readonly source: PinSource } | undefined
): Resolution => {
  if (pin !== undefined) {
    const version = contract.versions.get(pin.version)
    if (version === undefined) return { _tag: "VersionNotFound", message: `Version ${pin.version} not found on contract ${contract.id}` }
    if (version.state === "deprecated") return { _tag: "Deprecated", version, latestStable: contract.stables[0]?.version ?? null }
    return { _tag: "Resolved", version, source: pin.source, fallbacks: [] }
  }
  const [latest, ...others] = contract.stables
  if (latest === undefined) return { _tag: "NoStable", message: `Contract ${contract.id} has no stable version yet` }
  return { _tag: "Resolved", version: latest, source: "default_stable", fallbacks: contract.fallback ? others : [] }
}

const readContract = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) => new ContractError({ message: `${path}: cannot read the contract (${(error as NodeJS.ErrnoException).code ?? String(error)})`, file: path })
  })

/**
 * Reads and compiles every version of every contract in the config.
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadRegistry = Effect.fn("Gateway.loadRegistry")(function*(config: GatewayConfig) {
  const contracts = new Map<string, ServedContract>()
  for (const entry of config.content.contracts) {
    if (contracts.has(entry.id)) return yield* new ContractError({ message: `${config.file}: contract '${entry.id}' is listed twice`, file: config.file })
    const versions = new Map<string, ContractVersion>()
    for (const [index, spec] of entry.versions.entries()) {
      const path = config.contractFile(spec.file)
      const contract = yield* Effect.fromResult(parseContractYaml(yield* readContract(path), path))
      const salt = config.salts.get(entry.id)
      const compiled = yield* Effect.fromResult(compileContract(contract, salt === undefined ? {} : { salt })).pipe(
        Effect.mapError((error) => new ContractError({ ...error, message: `${path}: ${error.message}`, file: path }))
      )
      if (versions.has(contract.version)) {
        return yield* new ContractError({ message: `${path}: version ${contract.version} of contract '${entry.id}' is listed twice`, file: path })
      }
      const promotedAt = spec.promoted_at === undefined ? index : Date.parse(spec.promoted_at)
      if (Number.isNaN(promotedAt)) {
        return yield* new ContractError({ message: `${config.file}: promoted_at '${spec.promoted_at}' of ${entry.id} ${contract.version} is not a date`, file: config.file })
      }
      versions.set(contract.version, { version: contract.version, state: spec.state, promotedAt, compiled })
    }
    const stables = [...versions.values()].filter((v) => v.state === "stable").toSorted((a, b) => b.promotedAt - a.promotedAt)
    contracts.set(entry.id, { id: entry.id, fallback: entry.multi_stable_resolution === "fallback", versions, stables })
  }
  return contracts as ReadonlyMap<string, ServedContract>
})
