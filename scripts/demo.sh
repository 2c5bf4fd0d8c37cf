#!/usr/bin/env bash
# The main job: set up (scripts/setup.sh), then run a busybox container with
# one hook of every OCI type through the lxcri CLI (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec bun scripts/demo.ts
