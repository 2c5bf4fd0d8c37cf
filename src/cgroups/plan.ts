// A new container's cgroups, for create and restore: the exact directories
// translation named, planned and recorded before liblxc (or CRIU) makes them,
// then checked against where init is and pinned by inode; the driver chosen
// once; and create's head start on the kernel's first cgroup migration.
import { exists } from "../host/fs.ts";
import { join } from "../path.ts";
import { unsupportedOnHost } from "../errors.ts";
import { type CgroupDriver, cgroupDriver } from "./driver.ts";
import { cgroupDirsFor, type HostCgroups } from "./host.ts";
import { cgroupDirsOf, cgroupInodes, cgroupMounts, missingAncestors } from "./paths.ts";
import type { ContainerCgroups } from "./record.ts";
import { systemdScope } from "./scope.ts";
import type { Target } from "../systemd/bus.ts";

/**
 * The container's and the monitor's cgroup directories, exactly, with the parents create
 * will make: the record names them before liblxc makes them, and cleanup touches no other.
 * One that exists already is someone else's (liblxc would refuse it too, with a less telling
 * error): refused before anything runs. Restore runs no monitor: `withMonitor` false records
 * none (its name is still checked, as at create).
 */
export function planCgroups(container: string, monitor: string, cg: HostCgroups, withMonitor = true): ContainerCgroups {
  const dirs = cgroupDirsFor(container, cg);
  const monitorDirs = cgroupDirsFor(monitor, cg);
  const taken = [...dirs, ...monitorDirs].find((d) => exists(d));
  if (taken)
    throw unsupportedOnHost(
      "linux.cgroupsPath",
      `the cgroup ${taken} exists already: lxcri runs a container only in a cgroup it makes for it, and never takes over one it did not make`,
    );
  return { dirs, monitorDirs: withMonitor ? monitorDirs : [], parents: cg.cgroupless ? [] : missingAncestors(container) };
}

/**
 * Once init is up: init must be in the planned cgroups (anything else means they are not
 * what the record says), and each directory's inode is recorded, so cleanup acts on a path
 * only while it is still that directory.
 */
export function pinCgroups(c: ContainerCgroups, init: number, cgroupless: boolean): void {
  const planned = [...c.dirs, ...c.monitorDirs];
  if (!cgroupless) {
    const stray = cgroupDirsOf(init).filter((d) => !planned.some((p) => d === p || d.startsWith(`${p}/`)));
    if (stray.length) throw new Error(`init is in cgroups create did not plan: ${stray.join(", ")}`);
  }
  c.inodes = cgroupInodes(planned);
}

/**
 * create's (and restore's) choice, once: with --systemd-cgroup, a cgroupsPath ("slice:prefix:name")
 * that names a scope gets the systemd driver, which starts the scope at apply (through `target`,
 * a user's bus, rootless); else cgroupfs.
 */
export function newCgroupDriver(cg: ContainerCgroups, id: string, systemdCgroupsPath?: string, target?: Target): CgroupDriver {
  const scope = systemdCgroupsPath ? systemdScope(systemdCgroupsPath, id) : undefined;
  return cgroupDriver(cg, scope && { ...scope, target });
}

// warmCgroupMigration: the first cgroup migration after a quiet moment waits for an RCU grace
// period (the kernel's cgroup_threadgroup_rwsem: 5–16 ms on a 2-vCPU host);
// migrations in the next grace period or so do not wait. liblxc's monitor
// pays that wait when it moves itself into lxc.monitor.<id>, in the middle of
// create. Moving ourselves into the cgroup we are already in, on Bun's thread
// pool at the start of create, starts that grace period early, so it passes
// while create validates and translates the spec. The move changes nothing;
// if it fails, nothing is lost but the head start. Bun.write of a Blob: Bun writes a Blob on its
// thread pool (a string or bytes it writes at once, on this thread, which would wait out the
// grace period itself), and it needs no node:fs/promises, whose loading (node:fs, node:events)
// cost create ~1.1 ms of CPU more (docs/performance.md, "Issue 23, round 6").
export function warmCgroupMigration(): void {
  const [dir] = cgroupDirsOf(process.pid, cgroupMounts(), true);
  if (dir) Bun.write(Bun.file(join(dir, "cgroup.procs")), new Blob([String(process.pid)])).catch(() => {});
}
