#!/usr/bin/env bash
# The main job on the embedded default config (local disk, no config file):
# copy the sample dataset with progress, then list and inspect the copy.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
strata_install

out="${1:-.strata-demo}"
strata() { node src/programs/cli/main.ts "$@"; }

strata cp -r examples/data "$out/data"
strata ls -H "$out/data"
strata glob "$out/data/events/*.jsonl"
strata info "$out/data/customers/customers.csv"
