#!/usr/bin/env bash
# Every check and test: typecheck, lint, then vitest (unit and integration).
# Installs Node 24 and the project first when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
strata_install
npm test
