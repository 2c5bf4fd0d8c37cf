#!/usr/bin/env bash
# Sets up (scripts/setup.sh, with podman, containerd, catatonit for podman's pods and debootstrap
# for the systemd image), then runs every test: unit tests, as root the container tests on real
# liblxc, then the VM tests (below). Ends with one line "N passed, N failed, N skipped" computed
# from bun's JUnit reports. As root, a skipped container test is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# podman and containerd: the caller tests drive lxcri through them (test/integration/{podman,containerd}.test.ts);
# strace: the attack tests trace what the runtime loads (test/integration/attacks/code-loading.test.ts)
# uidmap, slirp4netns: rootless podman and a user's lxcri (test/integration/rootless.test.ts)
# golang-go: builds Kubernetes' critest and crictl from ../shared/vendor (test/integration/critest.test.ts)
bash scripts/setup.sh podman containerd catatonit debootstrap strace uidmap slirp4netns golang-go

# Static guards first: the type checker and the formatter (both pinned in package.json).
static=0
bunx tsc --noEmit -p . || static=1
bunx biome format . >/dev/null || { echo "test: files not formatted: run bunx biome format --write ." >&2; static=1; }

# The systemd image (test/integration/systemd.test.ts) is cached in build/, where the guest finds it too.
export LXCRI_TEST_CACHE=$PWD/build/test-cache
report=build/junit.xml
vm_report=build/vm-junit.xml
vm_selinux_report=build/vm-selinux-junit.xml
# critest's own JUnit reports (one case per spec), added to the count below
critest_report=$PWD/build/critest-junit.xml
vm_critest_report=$PWD/build/vm-critest-junit.xml
rm -f "$report" "$vm_report" "$vm_selinux_report" "$critest_report" "$vm_critest_report"
if [[ $(id -u) == 0 ]]; then export LXCRI_REQUIRE_CONTAINER_TESTS=1; fi
# Kubernetes' CRI validation suite needs cri-tools' source from ../shared (next to the clone in CI);
# a user's clone has none: the file is left out, so it neither runs nor counts as skipped.
critest_files=(test/integration/critest.test.ts)
ignore=()
if [[ ! -f ${LXCRI_SHARED:-../shared}/vendor/cri-tools-v1.26.1.tar.gz ]]; then
  echo "test: ${LXCRI_SHARED:-../shared}/vendor/cri-tools-v1.26.1.tar.gz is absent: critest (test/integration/critest.test.ts) is not run and not counted" >&2
  critest_files=()
  ignore=(--path-ignore-patterns='**/critest.test.ts')
fi
set +e
LXCRI_CRITEST_REPORT=$critest_report bun test --timeout 120000 --reporter=junit --reporter-outfile="$report" "${ignore[@]}" \
  test/unit test/integration 2>&1 | grep -aEv '^\(pass\)'
status=${PIPESTATUS[0]}

# Then where most users are: a Debian 12 guest with systemd as PID 1 on pure cgroup v2 (qemu
# TCG, scripts/vm-test.sh; built once and cached), running test/vm and the caller tests of
# podman's defaults there (the systemd cgroup manager, AppArmor). The rest of test/integration
# runs only on the host: docs/vm-tests.md says what and why. LXCRI_SKIP_VM=1 skips it (not in CI).
vm=0
if [[ $(id -u) == 0 && ${LXCRI_SKIP_VM:-0} != 1 ]]; then
  vm=1
  # "test/vm/", not "test/vm": bun takes paths as substrings, and test/vm-selinux is the SELinux guest's
  # the guest has neither ../shared nor Go: critest.test.ts uses the host's build of critest (cached)
  critest_tools=''
  if ((${#critest_files[@]})); then critest_tools=$(bash test/tools/critest-build.sh) || critest_tools=/nonexistent; fi
  LXCRI_REQUIRE_VM_TESTS=1 LXCRI_PODMAN_STORAGE_DRIVER=overlay LXCRI_CRITEST_REPORT=$vm_critest_report LXCRI_CRITEST_TOOLS=$critest_tools \
    bash scripts/vm-test.sh --no-setup --timeout 3600 -- \
    bun test --timeout 600000 --reporter=junit --reporter-outfile="$vm_report" \
    test/vm/ test/integration/podman.test.ts test/integration/systemd.test.ts test/integration/lifecycle.test.ts \
    test/integration/attacks/foreign-cgroups.test.ts test/integration/upgrade.test.ts \
    test/integration/userns.test.ts test/integration/parity-devices.test.ts "${critest_files[@]}" 2>&1 | grep -aEv '^\(pass\)'
  vm_status=${PIPESTATUS[0]}
  if ((vm_status != 0)); then status=1; fi
  # The SELinux guest (enforcing, Debian's policy; cached apart): SELinux labels (docs/vm-tests.md).
  LXCRI_REQUIRE_SELINUX_TESTS=1 LXCRI_VM_SELINUX=1 bash scripts/vm-test.sh --no-setup --timeout 1800 -- \
    bun test --timeout 600000 --reporter=junit --reporter-outfile="$vm_selinux_report" test/vm-selinux 2>&1 | grep -aEv '^\(pass\)'
  if ((PIPESTATUS[0] != 0)); then status=1; fi
fi
set -e

# "tests failures skipped" of a JUnit report (errors count as failures).
counts() {
  local tests failures skipped errors
  read -r tests failures skipped < <(sed -n 's/.*<testsuites [^>]*tests="\([0-9]*\)"[^>]*failures="\([0-9]*\)"[^>]*skipped="\([0-9]*\)".*/\1 \2 \3/p' "$1" | head -1)
  errors=$(grep -c '<error' "$1" || true)
  echo "${tests:-0} $((${failures:-0} + errors)) ${skipped:-0}"
}

if [[ ! -s $report ]]; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
read -r tests failures skipped < <(counts "$report")
if ((vm)); then
  if [[ -s $vm_report ]]; then
    read -r t f k < <(counts "$vm_report")
    tests=$((tests + t)) failures=$((failures + f)) skipped=$((skipped + k))
  else
    echo "test: the VM job gave no report (build/vm-run/console.log has the guest's console)" >&2
    tests=$((tests + 1)) failures=$((failures + 1))
  fi
  if [[ -s $vm_selinux_report ]]; then
    read -r t f k < <(counts "$vm_selinux_report")
    tests=$((tests + t)) failures=$((failures + f)) skipped=$((skipped + k))
  else
    echo "test: the SELinux VM job gave no report (build/vm-run/console.log has the guest's console)" >&2
    tests=$((tests + 1)) failures=$((failures + 1))
  fi
fi
# critest's specs (ginkgo's JUnit): "passed failed notrun". Its specs that are not run are the ones
# critest.test.ts asserts are the only ones (Image Manager, which pulls from a registry, and
# critest's benchmarks): printed, not added to the skipped (they are not meant to run anywhere).
critest_counts() {
  local p f n
  p=$(grep -c '<testcase name="\[It\][^"]*"[^>]* status="passed"' "$1" || true)
  f=$(grep -Ec '<testcase [^>]*status="(failed|panicked|interrupted|aborted|timedout)"' "$1" || true)
  n=$(grep -Ec '<testcase [^>]*status="(skipped|pending)"' "$1" || true)
  echo "$p $f $n"
}
for r in "$critest_report" "$vm_critest_report"; do
  [[ -s $r ]] || continue
  read -r p f n < <(critest_counts "$r")
  echo "test: critest ($([[ $r == "$vm_critest_report" ]] && echo guest || echo host)): $p specs passed, $f failed, $n not run (Image Manager, benchmarks)" >&2
  tests=$((tests + p + f)) failures=$((failures + f))
done
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
