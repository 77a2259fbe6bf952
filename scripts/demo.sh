#!/usr/bin/env bash
# The main job on the embedded default config (local disk, no config file):
# sync the sample dataset with progress, sync again (nothing left to do), then
# list and inspect the copy; last, the same dataset synced between two local
# profiles of examples/strata.yaml (streamed across profiles).
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
