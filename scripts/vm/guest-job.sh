#!/bin/bash
# Runs inside the vm-test guest (from lxcri-vm-job.service, as root, after boot):
# mounts the project over 9p at the host's path, runs the job that scripts/vm-test.sh
# wrote into this control directory (/run/lxcri-vm, a 9p share of the host's), streams
# its output to the second serial port (the host's stdout), leaves its exit status in
# ./status and powers the guest off.
set -u
ctl=/run/lxcri-vm
# shellcheck source=/dev/null
. "$ctl/job.env" # PROJECT, P9_CACHE, and the caller's passed-through variables
out=/dev/ttyS1
stty -F "$out" raw -echo 115200 2>/dev/null # raw: no \r added to each \n
exec >"$out" 2>&1 </dev/null

# The job starts when boot is over (as for a user who logs in), not while units still start.
timeout 300 systemctl is-system-running --wait >/dev/null
awk '{ print $1 }' /proc/uptime >"$ctl/started"
mkdir -p "$PROJECT"
# With SELinux on, mount(8) runs as mount_t, which Debian's policy does not let mount 9p;
# busybox's mount runs in the job's own domain (scripts/vm/build-image.sh).
mount=mount
[[ -e /sys/fs/selinux/enforce ]] && mount="busybox mount"
if ! $mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,cache=$P9_CACHE" lxcri-project "$PROJECT"; then
  echo "vm: mount of the project ($PROJECT) failed"
  echo 125 >"$ctl/status"
  sync
  systemctl poweroff -ff >/dev/null 2>&1
fi
cd "$PROJECT" || exit 125
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
# Through a pipe, as in CI: the job's stdout is not a terminal.
bash "$ctl/job.sh" 2>&1 | cat
status=${PIPESTATUS[0]}
awk '{ print $1 }' /proc/uptime >"$ctl/finished"
echo "$status" >"$ctl/status"
sync
systemctl poweroff -ff >/dev/null 2>&1
