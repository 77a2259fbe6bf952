#!/usr/bin/env bash
# The main job on the embedded default config (local disk, no config file):
# sync the sample dataset with progress, sync again (nothing left to do), then
# list and inspect the copy; the same dataset synced between two local
# profiles of examples/strata.yaml (streamed across profiles); last, the
# end-to-end pipeline (examples/pipeline.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
strata_install

out="${1:-.strata-demo}"
strata() { node src/programs/cli/main.ts "$@"; }

strata sync examples/data "$out/data"
strata sync examples/data "$out/data"
strata ls -H "$out/data"
strata glob "$out/data/events/*.jsonl"
strata info "$out/data/customers/customers.csv"
strata --config examples/strata.yaml sync --exclude '*.jsonl' --delete-unmatched-files msc://samples/ "$out/mirror"
# The end-to-end job: events through a data contract, kept as an artifact, summary in a disk cache (traced when
# OTEL_EXPORTER_OTLP_ENDPOINT is set). Run twice: the second run finds the artifact by its spec.
node examples/pipeline.ts "$out/pipeline"
node examples/pipeline.ts "$out/pipeline"
