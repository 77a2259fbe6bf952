// The end-to-end job: ingest sample events through a data contract, keep the result as an artifact on a storage
// profile, remember each run's summary in a disk cache, and trace it all (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is
// set). A second run with the same input finds the artifact instead of rebuilding it.
// Run with: node examples/pipeline.ts [work-dir]   (default .strata-demo/pipeline)
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { createHash } from "node:crypto"
import { resolve } from "node:path"
import {
  ArtifactFields,
  Artifacts,
  ArtifactsLive,
  Cache,
  CacheTyped,
  Contracts,
  ContractsLive,
  DiskCache,
  ObjectMapperLive,
  ProviderRegistryDefault,
  StorageClient,
  StorageClientLive,
  Telemetry
} from "../src/index.ts"

const work = resolve(process.argv[2] ?? ".strata-demo/pipeline")
const examples = resolve(import.meta.dirname)
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

const Summary = Schema.Struct({ artifact: Schema.String, accepted: Schema.Number, quarantined: Schema.Number })

/** One ingested batch: found again by its spec (contract, version, source and the source's digest). */
const ingestBatch = (accepted: ReadonlyArray<unknown>, quarantined: ReadonlyArray<unknown>) =>
  Artifacts.artifactType({
    name: "IngestBatch",
    spec: Schema.Struct({ contract: Schema.String, version: Schema.String, source: Schema.String, sha256: Schema.String }),
    fields: { accepted: ArtifactFields.json(Schema.Array(Schema.Unknown)), quarantine: ArtifactFields.json(Schema.Array(Schema.Unknown)) },
    build: (_spec, out) => Effect.andThen(out.write("accepted", accepted), out.write("quarantine", quarantined))
  })

const program = Effect.gen(function*() {
  const storage = yield* StorageClient.StorageClient
  const source = `${examples}/contracts/events.jsonl`
  const contract = yield* (yield* Contracts.Contracts).parse(text(yield* storage.read(`${examples}/contracts/orders.yaml`)), "orders.yaml")
  // The PII salt is a secret: from the environment in real use; the demo falls back to a fixed one.
  const salt = Redacted.make(new TextEncoder().encode(process.env["ORDERS_PII_SALT"] ?? "demo-salt"))
  const compiled = yield* (yield* Contracts.Contracts).compile(contract, { salt })

  const bytes = yield* storage.read(source)
  const events = text(bytes).split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as unknown)
  const results = compiled.validateBatch(events)
  const accepted = events.filter((_, i) => results[i]!.passed).map(compiled.transform)
  const quarantined = events.flatMap((event, i) => results[i]!.passed ? [] : [{ event, violations: results[i]!.violations }])

  const sha256 = createHash("sha256").update(bytes).digest("hex")
  const summaries = CacheTyped.typed(yield* Cache.Cache, Summary)
  const cached = yield* summaries.get(`ingest:${sha256}`)
  const batch = yield* (yield* Artifacts.Artifacts).build(ingestBatch(accepted, quarantined), {
    contract: contract.name,
    version: contract.version,
    source: "examples/contracts/events.jsonl",
    sha256
  })
  const summary = { artifact: batch.path, accepted: accepted.length, quarantined: quarantined.length }
  yield* summaries.set(`ingest:${sha256}`, summary)
  console.log(`${events.length} events through contract ${contract.name} ${contract.version}: ` +
    `${summary.accepted} accepted, ${summary.quarantined} quarantined -> ${work}/artifacts/${batch.path} ` +
    `(${Option.isSome(cached) && cached.value.artifact === batch.path ? "run before: found by its spec, not rebuilt" : "built"})`)
}).pipe(Effect.withSpan("strata pipeline"))

const StorageLayer = StorageClientLive.layer({ profiles: {}, pathMapping: [] }).pipe(Layer.provide(ProviderRegistryDefault.layer))
const ArtifactsLayer = ArtifactsLive.layer({ root: `${work}/artifacts`, types: [] }).pipe(
  Layer.provide([ArtifactsLive.builderInProcess, ObjectMapperLive.layer]),
  Layer.provide(StorageLayer)
)
const AppLayer = Layer.mergeAll(StorageLayer, ArtifactsLayer, ContractsLive.layer, DiskCache.layer({ directory: `${work}/cache` }))

// Telemetry is off unless OTEL_* variables turn it on; ignored values and lost exports are said on stderr.
const telemetry = Telemetry.telemetrySettings(process.env)
for (const warning of telemetry.warnings) console.error(`pipeline: warning: ${warning}`)
const TelemetryLayer = Telemetry.layer(telemetry.settings, {
  onExportFailed: (failure) => console.error(`pipeline: warning: ${Telemetry.describeExportFailure(failure)}`)
})

program.pipe(
  Effect.provide(AppLayer),
  Effect.provide(TelemetryLayer),
  Effect.runPromise
)
