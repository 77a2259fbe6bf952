/**
 * A batch pinned to a deprecated version: ContractGate quarantines it whole,
 * with a synthetic violation, and answers 422.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { utf8 } from "./byteWriter.ts"
import type { Decision } from "./ingest.ts"
import type { PinSource, Resolution, ServedContract } from "./registry.ts"
import { auditRow, quarantineRow } from "./rows.ts"

/**
 * A batch pinned to a deprecated version: every event quarantined with a
 * synthetic `deprecated_contract_version` violation, 422.
 *
 * @since 0.1.0
 * @category ingest
 */
export const deprecatedBatch = (
  contract: ServedContract,
  resolution: Extract<Resolution, { _tag: "Deprecated" }>,
  events: ReadonlyArray<unknown>,
  options: { readonly dryRun: boolean; readonly sourceIp: string | null; readonly v1: boolean }
): Decision => {
  const { version, latestStable } = resolution
  const at = new Date().toISOString()
  const details = [{ kind: "deprecated_contract_version", pinned_version: version.version, latest_stable: latestStable }]
  const quarantine = options.dryRun
    ? []
    : events.map((event) => quarantineRow(randomUUID(), contract.id, version.version, version.compiled.transform(event), details as never, options.sourceIp, at))
  const results = events.map((event, index) => ({
    ...(options.v1 ? { index } : {}),
    passed: false,
    violations: [],
    validation_us: 0,
    forwarded: false,
    contract_version: version.version,
    transformed_event: version.compiled.transform(event),
    ...(options.v1 ? { quarantine_id: quarantine[index]?.id ?? null } : {})
  }))
  const error = `Version ${version.version} on contract ${contract.id} is deprecated; batch quarantined.`
  const pinSource: PinSource = "pinned_deprecated"
  const batch = { total: events.length, passed: 0, failed: events.length, dry_run: options.dryRun, version_pin_source: pinSource, results }
  const summary = auditRow(randomUUID(), contract.id, version.version, { passed: false, violations: [] }, {
    batch_rejected: true,
    reason: "deprecated_contract_version",
    batch_size: events.length,
    pinned_version: version.version,
    latest_stable: latestStable
  }, 0, options.sourceIp, at)
  return {
    status: 422,
    body: utf8(JSON.stringify(
      options.v1 ? { error, ...batch } : { error, status: 422, batch: { ...batch, atomic: false, resolved_version: version.version } }
    )),
    writes: options.dryRun ? {} : { quarantine, audit: [summary] }
  }
}

