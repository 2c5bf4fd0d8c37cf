// Bringing a container to nothing: its processes, its monitor, its systemd
// scope, the cgroups liblxc made, the mount points lxcri made in the rootfs, the runtime
// directory. Used by delete and by every failed create.
import { removeBeneath } from "../../ffi/beneath.ts";
import { pidfdClose, pidfdOpen, pidfdWait } from "../../ffi/pidfd.ts";
import { removeTree } from "../../ffi/remove-tree.ts";
import { isFrozen, setFrozen } from "../cgroups/container.ts";
import { cgroupProcs, findCgroupDirs, removeCgroups, removeCgroupsNow, removeIfEmpty } from "../cgroups/paths.ts";
import type { Context } from "../context.ts";
import { mark } from "../log.ts";
import { isAlive, procChildren } from "../host/proc.ts";
import type { ContainerRecord } from "./record.ts";

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

/**
 * Kills the container (init and anything else in its cgroups) and waits until
 * init is gone and, while create still has it, the monitor has exited.
 */
export async function stopContainer(record: ContainerRecord, timeoutMs = 10_000): Promise<void> {
  const monitor = record.monitorPid;
  // A monitor create still has is its Bun child: Bun reaps it, and a zombie counts as gone.
  const monitorAlive = () => isAlive(record.monitorPid, record.monitorStart);
  const initAlive = () => isAlive(record.initPid, record.initStart);
  if (initAlive()) kill(record.initPid!, "SIGKILL");
  // Without a pid namespace, init's death does not take the other processes with it.
  for (const pid of cgroupProcs(record.cgroups ?? [])) if (pid !== monitor) kill(pid, "SIGKILL");
  // A paused container: v1-frozen processes die only once thawed.
  if (isFrozen(record)) await setFrozen(record, false).catch(() => {});
  const deadline = Date.now() + timeoutMs;
  let killedMonitor = false;
  // init is not our child (nor, after a failed create, always the monitor): a pidfd wakes us when it exits
  const pidfd = initAlive() ? pidfdOpen(record.initPid!) : -1;
  try {
    while (initAlive() || (monitor !== undefined && monitorAlive())) {
      // Before init exists the monitor's children are the container being set up.
      if (monitor !== undefined && record.initPid === undefined) for (const c of procChildren(monitor)) kill(c, "SIGKILL");
      if (Date.now() > deadline && !killedMonitor && monitor !== undefined) {
        kill(monitor, "SIGKILL");
        killedMonitor = true;
      }
      if (Date.now() > deadline + timeoutMs) throw new Error(`container init ${record.initPid} or monitor ${monitor} does not exit`);
      if (pidfd < 0 || !initAlive()) await Bun.sleep(5);
      else pidfdWait(pidfd, 5);
    }
  } finally {
    pidfdClose(pidfd);
  }
}

export async function destroy(ctx: Context, dir: string, record: ContainerRecord): Promise<void> {
  // A create that finished recorded its cgroups (read from /proc). One that died early has the names
  // translation gave them; only a lost record falls back to liblxc's names for this id, never a
  // "-N" one: that may be another state root's container with the same id, still running.
  const names = record.cgroupNames ?? [`lxc.payload.${record.id}`, `lxc.monitor.${record.id}`];
  const found = record.cgroups?.length ? [] : findCgroupDirs((n) => names.includes(n));
  let cgroups = [...new Set([...(record.cgroups ?? []), ...found])];
  // Most deletes come after the container's process exited: init is gone, and with its pid namespace
  // everything that ran in it, so its cgroups are empty and go at once (the kernel refuses to remove one
  // that holds a process). Reading each cgroup.procs first (20 files on cgroup v1) cost more than the
  // removal. Whatever stays is stopped the long way below, as is a container whose init still runs; and
  // a systemd scope's cgroups are removed only once systemd has stopped the scope, as before.
  const running = isAlive(record.initPid, record.initStart) || isAlive(record.monitorPid, record.monitorStart);
  if (!running && !record.systemdUnit) cgroups = removeCgroupsNow(cgroups).map((f) => f.dir);
  if (running || cgroups.length) await stopContainer({ ...record, cgroups });
  mark(ctx.log, "destroy: container and monitor gone");
  // imported only here: a container without a scope (most) does not load the D-Bus code.
  // Stopped only while it is the invocation create started: systemd may have started another of that name since.
  if (record.systemdUnit)
    await import("../systemd/units.ts")
      .then(({ stopScope }) => stopScope(record.systemdUnit!, record.systemdInvocation))
      .then((leftAlone) => leftAlone && ctx.log.warn(leftAlone))
      .catch((e) => ctx.log.warn(`cannot stop systemd unit ${record.systemdUnit}: ${(e as Error).message}`));
  const left = await removeCgroups(cgroups);
  for (const l of left) ctx.log.warn(`cannot remove cgroup ${l}`);
  removeIfEmpty(record.cgroupParents ?? []);
  if (record.rootfs) removeMountpoints(record.rootfs, record.rootfsMountpoints ?? []);
  removeTree(dir);
  mark(ctx.log, "destroy: cgroups, mount points and runtime directory removed");
}

/** Removes what lxcri made in the rootfs, newest first, only while it is still empty; never through a symlink. */
function removeMountpoints(rootfs: string, paths: string[]): void {
  for (const p of [...paths].reverse()) removeBeneath(rootfs, p);
}
