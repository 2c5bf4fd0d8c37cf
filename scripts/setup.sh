#!/usr/bin/env bash
# Installs what lxcri needs on Debian 12 (as root) and builds it. Idempotent:
# a machine that has everything only rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# gcc, libc6-dev and lxc-dev: scripts/build.ts compiles the native helpers (ffi/native/) with the system cc.
for pkg in lxc lxc-dev busybox-static gcc libc6-dev "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! command -v npm >/dev/null && ! command -v bun >/dev/null; then missing+=(npm); fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ "$(bun --version 2>/dev/null)" != "1.4.5" ]]; then
  echo "setup: installing bun 1.4.5" >&2
  npm install -g --silent bun@1.4.5 >/dev/null
fi
bun install --frozen-lockfile --silent --ignore-scripts # setup builds next (scripts/postinstall.ts is for dependents)
bun run --silent build
