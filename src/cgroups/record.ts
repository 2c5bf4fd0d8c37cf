// What lxcri records of a container's cgroups, owned by src/cgroups/: exactly
// the directories translation named (recorded before liblxc made them), their
// inodes once made, the parents create made, and the systemd scope it started.
// Every cgroup operation and cleanup reads this and nothing else; nothing is
// looked up by name. A leaf: the container record (src/contract/record.ts)
// holds one as its `cgroups`, and the state path reads it without I/O.

export interface ContainerCgroups {
  /** The container's cgroup directories (absolute), one per hierarchy: [] when rootless without a cgroup. */
  dirs: string[];
  /** liblxc's monitor's (lxc.monitor.<id>), which create empties and delete removes; [] at restore (no monitor runs). */
  monitorDirs: string[];
  /** The inode of each directory once liblxc made them: cleanup acts on a path only while it is still that directory. */
  inodes?: Record<string, string>;
  /** Parents of a configured cgroupsPath that did not exist before create, removed at delete when empty. */
  parents?: string[];
  /** --systemd-cgroup where systemd runs: the transient scope create started around init. Set once systemd ran its start job. */
  systemdUnit?: string;
  /** That start's invocation id (32 hex digits): a unit of that name in another invocation is not the container's. */
  systemdInvocation?: string;
  /** Rootless: the user's session bus the scope was started through (their own systemd); absent: PID 1's. */
  systemdBus?: string;
}

/** Rootless without a cgroup the caller may write: liblxc made none (the record says so: no directories). */
export const cgroupless = (c: ContainerCgroups | undefined): boolean => !!c && !c.dirs.length && !c.monitorDirs.length;

/** Every recorded directory: the container's, then the monitor's. */
export const allDirs = (c: ContainerCgroups | undefined): string[] => (c ? [...c.dirs, ...c.monitorDirs] : []);

/**
 * liblxc's cgroup names for a container: lxc.payload.<id> and lxc.monitor.<id>,
 * or with "-1", "-2", … when the plain name was taken.
 */
export function isLxcCgroupName(name: string, id: string, kinds: readonly ("payload" | "monitor")[] = ["payload", "monitor"]): boolean {
  for (const kind of kinds) {
    const base = `lxc.${kind}.${id}`;
    if (name === base || (name.startsWith(base + "-") && /^\d+$/.test(name.slice(base.length + 1)))) return true;
  }
  return false;
}

export function isMonitorCgroup(dir: string, id: string): boolean {
  return isLxcCgroupName(dir.slice(dir.lastIndexOf("/") + 1), id, ["monitor"]);
}

/** The cgroup fields of a record as the previous lxcri wrote them: flat, the monitor's directories among the container's. */
interface FlatCgroupFields {
  id: string;
  cgroups?: unknown;
  cgroupInodes?: Record<string, string>;
  cgroupParents?: string[];
  systemdUnit?: string;
  systemdInvocation?: string;
}

/**
 * A parsed record.json as this lxcri keeps it: one the previous version wrote (flat fields,
 * `cgroups` a list) gets them as one ContainerCgroups, so a container it created is
 * stopped and cleaned up as it would have done. The recorded directories are still the
 * only ones; the monitor's are told from the container's by liblxc's name, as it did.
 */
export function upgradeCgroupFields(r: FlatCgroupFields): void {
  const flat = r.cgroups;
  if (flat !== undefined && !Array.isArray(flat)) return; // this version's
  const dirs = (flat ?? []) as string[];
  const upgraded: ContainerCgroups = {
    dirs: dirs.filter((d) => !isMonitorCgroup(d, r.id)),
    monitorDirs: dirs.filter((d) => isMonitorCgroup(d, r.id)),
    inodes: r.cgroupInodes,
    parents: r.cgroupParents,
    systemdUnit: r.systemdUnit,
    systemdInvocation: r.systemdInvocation,
  };
  for (const k of ["cgroupInodes", "cgroupParents", "systemdUnit", "systemdInvocation"] as const) delete r[k];
  // a record from before create planned its cgroups has none to name
  if (flat === undefined && !upgraded.parents && !upgraded.systemdUnit) delete r.cgroups;
  else r.cgroups = upgraded;
}
