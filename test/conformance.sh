#!/usr/bin/env bash
# Runs the OCI runtime-tools validation suite against a runtime, when a built
# checkout of it is present (this project does not ship or build it; see
# docs/conformance.md for how to get one). Tests run one at a time: the cgroup
# tests use fixed paths.
#
#   RT_DIR=/path/to/runtime-tools test/conformance.sh [RUNTIME] [test ...]
#
# RUNTIME defaults to build/lxcri. Each test's TAP output is kept under
# build/conformance/<runtime>/. Pass rule (as for the table in
# docs/conformance.md): exit status 0 and no "not ok"; a test that prints no
# ok/not-ok lines at all (the hooks tests) passes when its report has no error.
set -u
cd "$(dirname "$0")/.."
RT_DIR=${RT_DIR:-}
if [[ -z $RT_DIR || ! -x $RT_DIR/runtimetest ]]; then
  echo "conformance: set RT_DIR to a runtime-tools checkout with runtimetest and validation/*/*.t built" >&2
  exit 2
fi
runtime=$(readlink -f "${1:-build/lxcri}"); shift || true
out=$PWD/build/conformance/$(basename "$runtime")
mkdir -p "$out"
cleanup() {
  if [[ $(basename "$runtime") == lxcri ]]; then "$runtime" list -q | xargs -r -n1 "$runtime" delete --force >/dev/null 2>&1; fi
}
tests=("$@")
if ((${#tests[@]} == 0)); then for f in "$RT_DIR"/validation/*/*.t; do tests+=("$(basename "$f" .t)"); done; fi

pass=0 fail=0
cd "$RT_DIR" || exit 2
for t in "${tests[@]}"; do
  RUNTIME=$runtime timeout -k 10 "${TEST_TIMEOUT:-120}" "validation/$t/$t.t" >"$out/$t.tap" 2>"$out/$t.stderr" </dev/null
  rc=$?
  ok=$(grep -c '^ok' "$out/$t.tap") notok=$(grep -c '^not ok' "$out/$t.tap")
  result=PASS
  if ((rc != 0 || notok > 0)); then result=FAIL; fi
  if ((ok == 0 && notok == 0)) && grep -qE '^\s+"?error"?:' "$out/$t.tap"; then result=FAIL; fi
  if [[ $result == PASS ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  printf '%-34s %s  ok=%s not-ok=%s rc=%s\n' "$t" "$result" "$ok" "$notok" "$rc"
  cleanup
done
echo "$pass passed, $fail failed"
