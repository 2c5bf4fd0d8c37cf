#!/usr/bin/env bash
# Installs lxcri on this machine, as root: `bash scripts/install.sh [PREFIX]`
# (default /usr/local). Sets up and builds first (scripts/setup.sh), then puts
# every part in one root-owned place:
#   PREFIX/lib/lxcri/lxcri          the executable (the CLI)
#   PREFIX/lib/lxcri/lxcri-init     the container's init, the exec helper and the mount hook (static)
#   PREFIX/lib/lxcri/lxcri-monitor  liblxc's monitor
#   PREFIX/bin/lxcri -> ../lib/lxcri/lxcri
# lxcri runs its helpers only from the directory of its real executable, and
# only when they and that directory are root's and writable by no one else.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
if [[ $(id -u) != 0 ]]; then
  echo "install: run as root (lxcri's files must be root's)" >&2
  exit 1
fi
if [[ $prefix != /* ]]; then
  echo "install: PREFIX must be an absolute path, got $prefix" >&2
  exit 1
fi
bash scripts/setup.sh
lib="$prefix/lib/lxcri"
install -d -o root -g root -m 0755 "$prefix" "$prefix/bin" "$prefix/lib" "$lib"
for f in lxcri lxcri-init lxcri-monitor; do
  # a new file renamed into place: a running lxcri keeps its own copy
  install -o root -g root -m 0755 "build/$f" "$lib/.$f.new"
  mv -f "$lib/.$f.new" "$lib/$f"
done
ln -sfn ../lib/lxcri/lxcri "$prefix/bin/lxcri"
# every directory on the way must be root's, and not writable by others unless sticky (/tmp)
dir=$lib
while [[ $dir != / ]]; do
  read -r owner mode < <(stat -c '%u %a' "$dir")
  if [[ $owner != 0 ]] || { (( 8#$mode & 8#022 )) && ! (( 8#$mode & 8#1000 )); }; then
    echo "install: $dir must be root's and writable by no one else (owner $owner, mode $mode)" >&2
    exit 1
  fi
  dir=$(dirname "$dir")
done
echo "installed lxcri $("$prefix/bin/lxcri" --version | head -1) in $lib"
