// Bringing a container to nothing: its processes, its monitor, its systemd
// scope, the cgroups liblxc made, the mount points lxcri made in the rootfs, the runtime
// directory. Used by delete and by every failed create.
import { removeBeneath } from "../../ffi/beneath.ts";
import { pidfdClose, pidfdOpen, pidfdSignal, pidfdWait } from "../../ffi/pidfd.ts";
import { removeTree } from "../../ffi/remove-tree.ts";
import { type CgroupDriver, driverOf } from "../cgroups/driver.ts";
import type { Context } from "../context.ts";
import { mark } from "../log.ts";
import { openRecorded, signalRecorded } from "../host/pidfds.ts";
import { isAlive, procChildren, procStat } from "../host/proc.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { cgroupsProven } from "../contract/status-rules.ts";

const SIGKILL = 9;

/**
 * Kills the container (init and anything else in its cgroups) and waits until
 * init is gone and, while create still has it, the monitor has exited. Every
 * signal goes through a pidfd of a process the record names (with its start
 * time) or one of its own cgroups' members: a recycled pid is never hit.
 */
export async function stopContainer(record: ContainerRecord, cgroups: CgroupDriver = driverOf(record), timeoutMs = 10_000): Promise<void> {
  const monitor = record.monitorPid;
  // A monitor create still has is its Bun child: Bun reaps it, and a zombie counts as gone.
  const monitorAlive = () => isAlive(record.monitorPid, record.monitorStart);
  // init is not our child (nor, after a failed create, always the monitor): its pidfd wakes us when it exits
  const pidfd = openRecorded(record.initPid, record.initStart) ?? -1;
  const initAlive = () => pidfd >= 0 && !pidfdWait(pidfd, 0);
  try {
    if (pidfd >= 0) pidfdSignal(pidfd, SIGKILL);
    // Without a pid namespace, init's death does not take the other processes with it. Only in
    // cgroups proven the container's (contract/status-rules.ts): never one that may be someone else's.
    if (cgroupsProven(record)) cgroups.signal(SIGKILL, { withMonitor: true, skip: monitor === undefined ? [] : [monitor] });
    // A paused container: v1-frozen processes die only once thawed.
    if (cgroups.isFrozen()) await cgroups.setFrozen(false).catch(() => {});
    const deadline = Date.now() + timeoutMs;
    let killedMonitor = false;
    while (initAlive() || (monitor !== undefined && monitorAlive())) {
      // Before init exists the monitor's children are the container being set up.
      if (monitor !== undefined && record.initPid === undefined && monitorAlive()) killDescendants(monitor);
      if (Date.now() > deadline && !killedMonitor && monitor !== undefined) {
        signalRecorded(monitor, record.monitorStart, SIGKILL);
        killedMonitor = true;
      }
      if (Date.now() > deadline + timeoutMs) throw new Error(`container init ${record.initPid} or monitor ${monitor} does not exit`);
      if (!initAlive()) await Bun.sleep(5);
      else pidfdWait(pidfd, 5);
    }
  } finally {
    if (pidfd >= 0) pidfdClose(pidfd);
  }
}

/**
 * SIGKILL to every descendant of the monitor (the container being set up, the mount hook and
 * the hooks it runs), each through a pidfd opened while /proc shows it a child of the one
 * above. The whole tree is held first, then signalled: a process killed first would hand its
 * children to a subreaper, out of our sight.
 */
function killDescendants(monitor: number): void {
  const held: number[] = [];
  try {
    for (let level = [monitor]; level.length; ) {
      const next: number[] = [];
      for (const parent of level)
        for (const pid of procChildren(parent)) {
          const fd = pidfdOpen(pid);
          if (fd < 0) continue;
          if (procStat(pid)?.ppid === parent) {
            held.push(fd);
            next.push(pid);
          } else pidfdClose(fd);
        }
      level = next;
    }
    for (const fd of held) pidfdSignal(fd, SIGKILL);
  } finally {
    for (const fd of held) pidfdClose(fd);
  }
}

/**
 * `initGone`: the caller has just seen init gone (delete's status check said "stopped"): a pid's
 * start time never comes back, so it is not read again.
 */
export async function destroy(ctx: Context, dir: string, record: ContainerRecord, initGone = false): Promise<void> {
  // Exactly the cgroups the record names (create recorded them before liblxc made them); nothing
  // is looked up by name. Until init was up they may be someone else's (contract/status-rules.ts cgroupsProven):
  // then no process in them is killed and they go only if empty.
  const proven = cgroupsProven(record);
  // and only while each is still the directory liblxc made (a path made again since is another's)
  let cgroups = proven ? driverOf(record).own() : driverOf(record);
  // Most deletes come after the container's process exited: init is gone, and with its pid namespace
  // everything that ran in it, so its cgroups are empty and go at once (the kernel refuses to remove one
  // that holds a process). Reading each cgroup.procs first (20 files on cgroup v1) cost more than the
  // removal. Whatever stays is stopped the long way below, as is a container whose init still runs; and
  // a systemd scope's cgroups are removed only once systemd has stopped the scope (the driver's).
  const running = (!initGone && isAlive(record.initPid, record.initStart)) || isAlive(record.monitorPid, record.monitorStart);
  if (!running) cgroups = cgroups.removeNow(proven);
  if (running || cgroups.hasDirs()) await stopContainer(record, cgroups);
  mark(ctx.log, "destroy: container and monitor gone");
  for (const w of await cgroups.remove(proven)) ctx.log.warn(w);
  if (record.rootfs) removeMountpoints(record.rootfs, record.rootfsMountpoints ?? []);
  removeTree(dir);
  mark(ctx.log, "destroy: cgroups, mount points and runtime directory removed");
}

/** Removes what lxcri made in the rootfs, newest first, only while it is still empty; never through a symlink. */
function removeMountpoints(rootfs: string, paths: string[]): void {
  for (const p of [...paths].reverse()) removeBeneath(rootfs, p);
}
