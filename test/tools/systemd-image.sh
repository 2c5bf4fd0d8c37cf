#!/usr/bin/env bash
# Prints the path of a tarball of a minimal Debian 12 with systemd as /sbin/init (for
# test/integration/systemd.test.ts), building it once with debootstrap (about 1.5 minutes, from
# Debian's mirror) and caching it under $LXCRI_TEST_CACHE (default
# /var/cache/lxcri-test; scripts/test.sh puts it in build/, where the VM job finds it). Root only.
set -euo pipefail
cache=${LXCRI_TEST_CACHE:-/var/cache/lxcri-test}
# the name changes with the recipe, so that a cache of an older one is not used
image=$cache/bookworm-systemd-2.tar
mirror=${LXCRI_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [[ -s $image ]]; then
  echo "$image"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "systemd-image: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! debootstrap --variant=minbase --include=systemd,systemd-sysv bookworm "$work/rootfs" "$mirror" >"$work/log" 2>&1; then
  tail -20 "$work/log" >&2
  echo "systemd-image: debootstrap failed (log above)" >&2
  exit 1
fi
# what a boot needs not: docs, manuals, translations, apt's lists (smaller to import, which under
# the VM's emulation is minutes per 100 MB)
rm -rf "$work/rootfs"/usr/share/{doc,man,info,locale} "$work/rootfs"/var/cache/apt/* "$work/rootfs"/var/lib/apt/lists/*
tar -C "$work/rootfs" -cf "$work/image.tar" .
mv "$work/image.tar" "$image" # atomic: a half-built image is never cached
echo "$image"
