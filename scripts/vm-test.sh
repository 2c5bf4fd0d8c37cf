#!/usr/bin/env bash
# Runs a command (lxcri's tests) inside a Debian 12 guest that boots systemd as
# PID 1 on a pure cgroup v2 hierarchy: what most users run, unlike a host with
# hybrid cgroups and no systemd. The guest is emulated by qemu TCG (/dev/kvm is
# not used: a stock kernel hangs on some hosts' KVM), 2 vCPUs and 4 GiB.
#
#   bash scripts/vm-test.sh [options] [--] [command...]
#
# runs `command...` (default: bun test --timeout 600000 test/vm) as root in the
# guest, in the project directory, which the guest mounts over 9p at the same
# path as here: build/ and node_modules/ are the host's, used as they are (build
# on the host: programs run 10-200x slower under TCG). The command's output
# (stdout and stderr, through a pipe) is streamed here; the script exits with its
# status (124: the overall timeout hit; 125: the guest failed before the job gave
# a status; the guest's console is then in build/vm-run/console.log).
#
# Options:
#   --rebuild        build the guest again even if a cached one matches
#   --no-setup       do not run scripts/setup.sh on the host first (it builds build/)
#   --timeout SEC    hard limit for the whole run, building included (default 3600)
#   --mem MIB        guest memory (default 4096)   --smp N   vCPUs (default 2)
#
# The guest (scripts/vm/build-image.sh) is built once, on the host in a chroot,
# and cached in $LXCRI_VM_CACHE (default /var/cache/lxcri-vm) under a key made
# of scripts/vm/packages, scripts/vm/build-image.sh, LXCRI_VM_DISK_SIZE and the
# host's bun executable (copied into the guest): a change to any of them
# rebuilds it. Its disk is used with snapshot=on, so every run starts from the
# same state. The job runs as the systemd service lxcri-vm-job.service (cgroup
# /system.slice/lxcri-vm-job.service) once boot is complete (is-system-running
# says running); the guest's console is kept in build/vm-run/console.log.
#
# Costs on a 2-core host (TCG): building the guest ~2.3 min cold (debootstrap
# ~30 s, apt-get ~80-90 s, mkfs ~6 s; .debs are kept in $LXCRI_VM_CACHE/debs for
# a rebuild), boot 25-65 s (it grows with the host's load), power-off ~1 s.
# The project is mounted with 9p's cache=loose (LXCRI_VM_P9_CACHE to change):
# with cache=mmap or none, every exec of build/lxcri (a 110 MB bun executable)
# reads it through 9p again, 4-7 s a call instead of 0.3 s. So the host must not
# change the project while a job runs; the job's writes reach it by the sync
# before power-off.
# The guest has no network device: only loopback (podman and containerd only
# use local plugins). Variables CI and LXCRI_* (not LXCRI_VM_*) are passed on
# to the job. Times of build, boot, job and shutdown are printed at the end.
# Other variables: LXCRI_VM_APPEND (more kernel arguments), LXCRI_VM_MIRROR (the
# Debian mirror; default: the host's), LXCRI_VM_DISK_SIZE (default 8G, sparse),
# LXCRI_VM_SELINUX=1 (a guest with SELinux enforcing instead of AppArmor: Debian's
# reference policy, scripts/vm/packages-selinux; cached apart).
# Needs root, qemu-system-x86, debootstrap and e2fsprogs (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd -P)

rebuild=0 setup=1 timeout=3600 mem=4096 smp=2
while (($#)); do
  case $1 in
    --rebuild) rebuild=1 ;;
    --no-setup) setup=0 ;;
    --timeout) timeout=$2; shift ;;
    --mem) mem=$2; shift ;;
    --smp) smp=$2; shift ;;
    --) shift; break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "vm-test: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
(($#)) || set -- bun test --timeout 600000 test/vm

log() { echo "vm-test: $*" >&2; }
t_start=$SECONDS
deadline=$((SECONDS + timeout))
[[ $(id -u) == 0 ]] || { log "needs root (debootstrap, chroot)"; exit 2; }

missing=()
for t in qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap mkfs.ext4:e2fsprogs; do
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

t_setup=$SECONDS
if ((setup)); then bash scripts/setup.sh; fi
[[ -x build/lxcri ]] || log "warning: build/lxcri is missing (run bash scripts/setup.sh)"
t_setup=$((SECONDS - t_setup))

# --- the guest, cached ---
cache=${LXCRI_VM_CACHE:-/var/cache/lxcri-vm}
mkdir -p "$cache"
bun_exe=$(readlink -f "$(command -v bun)")
# LXCRI_VM_SELINUX=1: the SELinux guest, cached apart (under selinux/) so that neither variant's
# run removes the other's.
selinux=${LXCRI_VM_SELINUX:-0}
lists=(scripts/vm/packages)
((selinux)) && lists+=(scripts/vm/packages-selinux scripts/vm/lxcri-container.cil)
key=$({ cat "${lists[@]}" scripts/vm/build-image.sh; echo "${LXCRI_VM_DISK_SIZE:-}"; sha256sum <"$bun_exe"; } | sha256sum | cut -c1-16)
variant_dir=$cache
((selinux)) && variant_dir=$cache/selinux
guest="$variant_dir/$key"
t_build=$SECONDS
built=0
exec {lock}>"$cache/.lock"
flock "$lock"
if ((rebuild)) || [[ ! -f $guest/rootfs.img ]]; then
  log "building the guest into $guest"
  rm -rf --one-file-system "$guest"
  # The build is bounded by the same deadline as the rest.
  LXCRI_VM_SELINUX=$selinux LXCRI_VM_DEBS="$cache/debs" timeout -k 10 $((deadline - SECONDS)) bash scripts/vm/build-image.sh "$guest" || {
    s=$?
    log "building the guest failed ($s)"
    exit "$s"
  }
  built=1
  for old in "$variant_dir"/*; do # older keys' guests of this variant
    [[ -d $old && $old != "$guest" && ${old##*/} =~ ^[0-9a-f]{16}$ ]] && rm -rf --one-file-system "$old"
  done
fi
flock -u "$lock"
t_build=$((SECONDS - t_build))

# --- one run ---
run="$project/build/vm-run"
mkdir -p build
exec {runlock}>build/vm-run.lock
flock -n "$runlock" || { log "another vm-test uses $run"; exit 2; }
rm -rf "$run"
mkdir -p "$run"
cp scripts/vm/guest-job.sh "$run/"
{
  printf 'export PROJECT=%q P9_CACHE=%q\n' "$project" "${LXCRI_VM_P9_CACHE:-loose}"
  while IFS='=' read -r name _; do
    [[ $name == CI || ($name == LXCRI_* && $name != LXCRI_VM_*) ]] && printf 'export %s=%q\n' "$name" "${!name}"
  done < <(env)
} >"$run/job.env"
printf '%q ' "$@" >"$run/job.sh"
echo >>"$run/job.sh"
: >"$run/job.log"

qemu_pid='' tail_pid=''
stop() {
  [[ -n $tail_pid ]] && kill "$tail_pid" 2>/dev/null
  if [[ -n $qemu_pid ]] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$qemu_pid" 2>/dev/null || true
  fi
  qemu_pid='' tail_pid=''
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

kernel=$guest/vmlinux
lsm=''
((selinux)) && lsm='security=selinux selinux=1 enforcing=1'
[[ -f $kernel ]] || kernel=$guest/vmlinuz
log "booting the guest ($smp vCPUs, $mem MiB, TCG); job: $*"
t_boot=$SECONDS
qemu-system-x86_64 -name lxcri-vm -nodefaults -no-user-config -display none -no-reboot \
  -accel tcg,thread=multi -cpu max -smp "$smp" -m "$mem" \
  -kernel "$kernel" -initrd "$guest/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 fsck.mode=skip panic=-1 net.ifnames=0 tsc=reliable $lsm ${LXCRI_VM_APPEND:-}" \
  -drive "file=$guest/rootfs.img,format=raw,if=virtio,snapshot=on,cache=unsafe" \
  -virtfs "local,path=$project,mount_tag=lxcri-project,security_model=none,multidevs=remap" \
  -virtfs "local,path=$run,mount_tag=lxcri-ctl,security_model=none" \
  -device virtio-rng-pci \
  -serial "file:$run/console.log" -serial "file:$run/job.log" \
  </dev/null >"$run/qemu.log" 2>&1 &
qemu_pid=$!
tail -n +1 -s 0.2 -f --pid="$qemu_pid" "$run/job.log" &
tail_pid=$!

t_job='' t_done='' timed_out=0
while kill -0 "$qemu_pid" 2>/dev/null; do
  [[ -z $t_job && -f $run/started ]] && t_job=$SECONDS
  [[ -z $t_done && -f $run/status ]] && t_done=$SECONDS
  if ((SECONDS >= deadline)); then
    timed_out=1
    log "timeout: ${timeout}s passed, killing qemu"
    break
  fi
  sleep 0.2
done
[[ -z $t_job && -f $run/started ]] && t_job=$SECONDS
[[ -z $t_done && -f $run/status ]] && t_done=$SECONDS
if ((timed_out)); then stop; else wait "$qemu_pid" || true; qemu_pid=''; fi
wait "$tail_pid" 2>/dev/null || true
tail_pid=''
t_end=$SECONDS

if ((timed_out)); then
  status=124
elif [[ -s $run/status ]]; then
  status=$(<"$run/status")
else
  status=125
  log "the guest stopped without a job status; its console's end ($run/console.log):"
  tail -25 "$run/console.log" >&2 || true
  cat "$run/qemu.log" >&2 || true
fi

# Times in whole seconds, as the host saw them; the guest's uptime at the job's start is the boot as it saw it.
boot=$(( ${t_job:-$t_end} - t_boot ))
job=$([[ -n $t_job ]] && echo $(( ${t_done:-$t_end} - t_job ))s || echo -)
down=$([[ -n $t_done ]] && echo $((t_end - t_done))s || echo -)
uptime=$([[ -f $run/started ]] && echo " (guest uptime $(<"$run/started") s)" || true)
log "times: host setup ${t_setup}s, guest build ${t_build}s$( ((built)) || echo ' (cached)'), boot ${boot}s$uptime, job $job, shutdown $down, total $((t_end - t_start))s; exit status $status"
exit "$status"
