#!/usr/bin/env bash
# Prints the path of a directory holding `critest` and `crictl` of cri-tools v1.26.1, built offline
# (GOFLAGS=-mod=vendor: the tarball carries its modules) with Debian's Go from
#   $LXCRI_SHARED/vendor/cri-tools-v1.26.1.tar.gz   (LXCRI_SHARED: default ../shared next to the clone)
# with cri-tools-v1.26.1-cgroup-parent.patch from the same directory applied: it backports
# cri-tools 8643906d (v1.29), which gives each pod sandbox the cgroup parent in
# CRITEST_CGROUP_PARENT where that is set (the systemd cgroup driver needs a slice; unset: no change).
# Cached under $LXCRI_TEST_CACHE (default /var/cache/lxcri-test; scripts/test.sh: build/test-cache,
# where the VM job finds it) by the sources' sha256; 1.3-2.5 min on 2 cores the first time.
# Exit 3 when the tarball is not there (a user's clone has no ../shared).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vendor=${LXCRI_SHARED:-$here/../../../shared}/vendor
src=$vendor/cri-tools-v1.26.1.tar.gz
patch=$vendor/cri-tools-v1.26.1-cgroup-parent.patch
cache=${LXCRI_TEST_CACHE:-/var/cache/lxcri-test}
log() { echo "critest-build: $*" >&2; }
[[ -f $src && -f $patch ]] || { log "no $src (or its patch): cri-tools' source is not in this checkout's ../shared"; exit 3; }

# (no go needed for a cached build: the VM job's guest has none and finds the host's)
key=$({ sha256sum <"$src"; sha256sum <"$patch"; sha256sum <"$0"; } | sha256sum | cut -c1-12)
out=$cache/cri-tools-$key
if [[ -x $out/critest && -x $out/crictl ]]; then
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { log "go is not installed (apt-get install golang-go)"; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/cri-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$src" -C "$work"
cd "$work/cri-tools-v1.26.1"
patch -s -p1 <"$patch"
export GOFLAGS=-mod=vendor GOTOOLCHAIN=local CGO_ENABLED=0 GOPATH=$work/gopath GOCACHE=$work/gocache
ldflags="-X github.com/kubernetes-sigs/cri-tools/pkg/version.Version=1.26.1"
t=$SECONDS
# critest is a Go test binary (cri-tools' Makefile builds it with go test -c)
go test -c -trimpath -ldflags "$ldflags" -o "$work/bin/critest" ./cmd/critest
go build -trimpath -ldflags "$ldflags" -o "$work/bin/crictl" ./cmd/crictl
mv "$work/bin" "$out" # atomic: a half-built pair is never cached
log "built critest and crictl in $((SECONDS - t)) s into $out"
echo "$out"
