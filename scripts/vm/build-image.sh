#!/usr/bin/env bash
# Builds the vm-test guest (see scripts/vm-test.sh) into OUT_DIR:
#   vmlinuz, initrd.img  the guest's own Debian kernel and initramfs (booted with -kernel/-initrd)
#   vmlinux              the same kernel decompressed (an ELF that qemu boots through PVH, faster)
#   rootfs.img           a sparse raw ext4 image of the root filesystem (made with mkfs.ext4 -d: no loop device)
#   packages.txt         what got installed (dpkg -l)
# Everything is installed in a chroot on the host, at native speed: debootstrap
# (minbase) of Debian 12, then apt-get install of scripts/vm/packages. bun is the
# host's own executable, copied in. Usage: build-image.sh OUT_DIR   (as root)
#
# Apt's mirror is the host's (its bookworm entry in /etc/apt/sources.list.d/debian.sources
# or /etc/apt/sources.list), or LXCRI_VM_MIRROR. Downloaded .debs are kept in
# LXCRI_VM_DEBS (default: /var/cache/lxcri-vm/debs), so a rebuild downloads little.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-image.sh OUT_DIR}
debs=${LXCRI_VM_DEBS:-/var/cache/lxcri-vm/debs}
suite=bookworm
image_size=${LXCRI_VM_DISK_SIZE:-8G}

log() { echo "vm-build: $*" >&2; }

for tool in debootstrap mkfs.ext4; do
  command -v "$tool" >/dev/null || { log "$tool missing (apt-get install debootstrap e2fsprogs)"; exit 1; }
done
bun_exe=$(readlink -f "$(command -v bun)") || { log "bun missing on the host (bash scripts/setup.sh)"; exit 1; }

# The host's Debian mirror for $suite: the URI of a deb822 stanza or a one-line
# entry whose suite is $suite (not -security/-updates).
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v s="$suite" '
      /^[ \t]*$/ { if (uri && ok) { print uri; exit } uri = ""; ok = 0; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
      END { if (uri && ok) print uri }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v s="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i == s) { u = $(i-1); if (u ~ /^\[/) u = $(i-2); print u } }' "$f"
  done
}
mirror=${LXCRI_VM_MIRROR:-$(host_mirror | head -1)}
[[ -n $mirror ]] || { log "no $suite mirror found in the host's apt sources; set LXCRI_VM_MIRROR"; exit 1; }
security=$(grep -hoE 'https?://[^ ]*debian-security[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | head -1 || true)

work="$out.tmp.$$"
root="$work/root"
mounted=()
umount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  mounted=()
}
cleanup() {
  umount_all
  # Never remove a tree that still has something mounted in it (/dev is bind-mounted).
  if [[ -d $work ]]; then
    if findmnt -rno TARGET | grep -qF "$work/"; then
      log "left $work: something is still mounted in it"
    else
      rm -rf --one-file-system "$work"
    fi
  fi
}
trap cleanup EXIT
trap "exit 143" TERM INT
mkdir -p "$root" "$debs"

started=$SECONDS
log "debootstrap $suite from $mirror"
debootstrap --variant=minbase --cache-dir="$debs" "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -30 "$work/debootstrap.log" >&2
  exit 1
}
log "debootstrap done in $((SECONDS - started)) s"

# apt in the chroot: the same mirror; the host's resolv.conf; no service starts.
{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  [[ -n $security ]] && echo "deb $security $suite-security main"
} >"$root/etc/apt/sources.list"
printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' >"$root/etc/apt/apt.conf.d/99lxcri-vm"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# Only what package scripts need; fresh proc and sysfs (no cgroup mounts of the host's).
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
mkdir -p "$root/var/cache/apt/archives"
mount --bind "$debs" "$root/var/cache/apt/archives" && mounted+=("$root/var/cache/apt/archives")

lists=("$here/packages")
# The SELinux guest (LXCRI_VM_SELINUX=1): its policy and tools too, labelled below.
[[ ${LXCRI_VM_SELINUX:-0} == 1 ]] && lists+=("$here/packages-selinux")
mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${lists[@]}")
log "apt-get install ${#pkgs[@]} packages: ${pkgs[*]}"
t=$SECONDS
chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c '
  set -e
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
' sh "${pkgs[@]}" >"$work/apt.log" 2>&1 || {
  tail -40 "$work/apt.log" >&2
  exit 1
}
log "apt-get install done in $((SECONDS - t)) s"

# The initramfs must find the root disk: virtio_pci + virtio_blk + ext4; only those
# (MODULES=list: 36 → 7 MB, which the guest unpacks seconds faster under TCG). 9p is loaded after boot.
echo MODULES=list >"$root/etc/initramfs-tools/conf.d/lxcri-vm"
printf 'virtio_pci\nvirtio_blk\next4\n' >>"$root/etc/initramfs-tools/modules"
chroot "$root" update-initramfs -u -k all >>"$work/apt.log" 2>&1
initrd=$(ls "$root"/boot/initrd.img-* | sort -V | tail -1)
vmlinuz=$(ls "$root"/boot/vmlinuz-* | sort -V | tail -1)
kver=${vmlinuz##*/vmlinuz-}
have=$(chroot "$root" lsinitramfs "/boot/initrd.img-$kver")
for m in virtio_pci virtio_blk ext4; do
  grep -Eq "/$m\.ko" <<<"$have" || { log "initrd.img-$kver lacks $m.ko"; exit 1; }
done
for m in 9p 9pnet_virtio; do
  [[ -n $(find "$root/lib/modules/$kver" -name "$m.ko*" -print -quit) ]] || { log "kernel $kver has no $m module"; exit 1; }
done

chroot "$root" dpkg -l >"$work/packages.txt"
umount_all
rm -f "$root/usr/sbin/policy-rc.d"

# --- the guest's configuration ---
echo lxcri-vm >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 lxcri-vm\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
printf 'nameserver 127.0.0.1\n' >"$root/etc/resolv.conf" # no network in the guest
echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' >"$root/etc/fstab"
# 9p (the project and the job's control directory) is loaded at boot, not from the initramfs.
printf '9p\n9pnet_virtio\n' >"$root/etc/modules-load.d/lxcri-vm.conf"
# Nothing interactive, nothing periodic, no lxcbr0 (it needs a network that is not there).
# containerd and lxc's autostart are off: the tests start their own containerd.
# podman's API service and its timers are off too: they run podman at boot, slowly under TCG.
for unit in getty@tty1.service serial-getty@ttyS0.service lxc-net.service lxc.service lxc-monitord.service \
  containerd.service podman.service podman.socket podman-restart.service podman-auto-update.service \
  podman-auto-update.timer apt-daily.timer apt-daily-upgrade.timer man-db.timer dpkg-db-backup.timer \
  e2scrub_all.timer e2scrub_reap.service fstrim.timer systemd-timesyncd.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# The job: mounts the control share that scripts/vm-test.sh fills per run and runs its guest-job.sh.
# Type=exec, so boot completes (systemctl is-system-running says running) while the job runs.
cat >"$root/etc/systemd/system/lxcri-vm-job.service" <<'EOF'
[Unit]
Description=lxcri vm-test job (scripts/vm-test.sh)
After=multi-user.target
[Service]
Type=exec
ExecStart=/bin/sh -c 'modprobe -a 9p 9pnet_virtio && mkdir -p /run/lxcri-vm && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 lxcri-ctl /run/lxcri-vm && exec /bin/bash /run/lxcri-vm/guest-job.sh'
StandardOutput=journal+console
StandardError=journal+console
# guest-job.sh powers off itself; this is for when it could not start or died.
ExecStopPost=/bin/systemctl poweroff -ff
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/lxcri-vm-job.service "$root/etc/systemd/system/multi-user.target.wants/lxcri-vm-job.service"
install -m 755 "$bun_exe" "$root/usr/local/bin/bun"
ln -sf bun "$root/usr/local/bin/bunx"

if [[ ${LXCRI_VM_SELINUX:-0} == 1 ]]; then
  # The SELinux guest: enforcing from the start (the kernel's enforcing=1 too), Debian's
  # "default" policy with the container types podman's labels name (lxcri-container.cil), and
  # AppArmor's unit off (the kernel's major LSM is SELinux). The job mounts its 9p share with
  # busybox's mount, which runs in the job's own domain (init_t, unconfined): mount(8) would
  # run as mount_t, which the policy does not let mount 9p.
  printf 'SELINUX=enforcing\nSELINUXTYPE=default\n' >"$root/etc/selinux/config"
  ln -sf /dev/null "$root/etc/systemd/system/apparmor.service"
  mkdir -p "$root/etc/systemd/system/lxcri-vm-job.service.d"
  { echo '[Service]'; echo 'ExecStart='; sed -n 's/^ExecStart=\(.*\) mount -t 9p /ExecStart=\1 busybox mount -t 9p /p' "$root/etc/systemd/system/lxcri-vm-job.service"; } \
    >"$root/etc/systemd/system/lxcri-vm-job.service.d/selinux.conf"
  grep -q 'busybox mount' "$root/etc/systemd/system/lxcri-vm-job.service.d/selinux.conf" || { log "no 9p mount in the job's unit"; exit 1; }
  cp "$here/lxcri-container.cil" "$root/tmp/"
  # Every file labelled now, the guest's own configuration too, in the chroot (the host has no
  # SELinux: the labels are plain xattrs, which mkfs.ext4 -d copies): a first-boot relabel
  # would run at every boot of the snapshot=on disk.
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  chroot "$root" sh -c 'semodule -n -i /tmp/lxcri-container.cil && rm /tmp/lxcri-container.cil &&
    setfiles -F -e /proc -e /sys -e /dev /etc/selinux/default/contexts/files/file_contexts /' >"$work/setfiles.log" 2>&1 || {
    tail -20 "$work/setfiles.log" >&2
    log "installing the container module or labelling the files failed"
    exit 1
  }
  umount_all
  for f in usr/bin/podman etc/systemd/system/lxcri-vm-job.service.d/selinux.conf; do
    python3 -c 'import os, sys; print(sys.argv[1], os.getxattr(sys.argv[1], "security.selinux").decode())' "$root/$f" >&2 ||
      { log "no SELinux label on $f"; exit 1; }
  done
fi

cp "$vmlinuz" "$work/vmlinuz"
# The kernel also as the ELF inside the bzImage (vmlinux), which qemu boots through PVH:
# decompressing the bzImage (xz) under TCG takes ~6 s of every boot. Same kernel, same initrd.
off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$vmlinuz" | head -1 | cut -d: -f1 || true)
if [[ -n $off ]] && xz -dc --single-stream <(tail -c +$((off + 1)) "$vmlinuz") >"$work/vmlinux" 2>/dev/null &&
  [[ $(head -c 4 "$work/vmlinux") == $'\x7fELF' ]]; then
  log "vmlinux extracted ($(du -h "$work/vmlinux" | cut -f1))"
else
  log "no xz vmlinux in $vmlinuz: booting the bzImage"
  rm -f "$work/vmlinux"
fi
cp "$initrd" "$work/initrd.img"
# Trimmed after the kernel and initrd are out: the image keeps no /boot, .debs or apt lists.
rm -rf "$root"/boot/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log

t=$SECONDS
rm -f "$work/rootfs.img"
truncate -s "$image_size" "$work/rootfs.img"
mkfs.ext4 -q -F -L lxcri-vm -d "$root" "$work/rootfs.img"
log "rootfs.img ($image_size sparse, $(du -sh "$work/rootfs.img" | cut -f1) used) in $((SECONDS - t)) s"

mkdir -p "$out"
[[ -f $work/vmlinux ]] && mv "$work/vmlinux" "$out/"
mv "$work/vmlinuz" "$work/initrd.img" "$work/rootfs.img" "$work/packages.txt" "$out/"
echo "$kver" >"$out/kernel-version"
log "guest built in $((SECONDS - started)) s (kernel $kver)"
