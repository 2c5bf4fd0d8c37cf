#!/usr/bin/env bash
# Sets up (scripts/setup.sh, with podman, containerd, catatonit for podman's pods and debootstrap
# for the systemd image), then runs every test: unit tests, and as root the container tests on
# real liblxc. Ends with one line "N passed, N failed, N skipped" computed from bun's JUnit
# report. As root, a skipped container test is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# podman and containerd: the caller tests drive lxcri through them (test/integration/{podman,containerd}.test.ts);
# strace: the attack tests trace what the runtime loads (test/integration/attacks/code-loading.test.ts)
bash scripts/setup.sh podman containerd catatonit debootstrap strace

# Static guards first: the type checker and the formatter (both pinned in package.json).
static=0
bunx tsc --noEmit -p . || static=1
bunx biome format . >/dev/null || { echo "test: files not formatted: run bunx biome format --write ." >&2; static=1; }

report=build/junit.xml
rm -f "$report"
if [[ $(id -u) == 0 ]]; then export LXCRI_REQUIRE_CONTAINER_TESTS=1; fi
set +e
bun test --timeout 120000 --reporter=junit --reporter-outfile="$report" test/ 2>&1 | grep -aEv '^\(pass\)'
status=${PIPESTATUS[0]}
set -e

if [[ ! -s $report ]]; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
read -r tests failures skipped < <(sed -n 's/.*<testsuites [^>]*tests="\([0-9]*\)"[^>]*failures="\([0-9]*\)"[^>]*skipped="\([0-9]*\)".*/\1 \2 \3/p' "$report" | head -1)
errors=$(grep -c '<error' "$report" || true)
failures=$((failures + errors))
passed=$((tests - failures - skipped))
if [[ $(id -u) == 0 && $skipped -gt 0 ]]; then
  echo "test: $skipped tests skipped although running as root" >&2
  status=1
fi
if ((tests == 0)); then status=1; fi
if ((static)); then
  failures=$((failures + 1))
  status=1
fi
echo "$passed passed, $failures failed, $skipped skipped"
exit "$status"
