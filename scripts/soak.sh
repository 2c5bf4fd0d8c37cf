#!/usr/bin/env bash
# The full soak: 500 plain lifecycles and 100 with a hook of every
# type through the CLI, then a long-lived library user. CI runs a short one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
LXCRI_SOAK_PLAIN=${LXCRI_SOAK_PLAIN:-500} LXCRI_SOAK_HOOKED=${LXCRI_SOAK_HOOKED:-100} \
  bun test --timeout 3600000 test/integration/soak.test.ts
