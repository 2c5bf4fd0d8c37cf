// The rootless caller's cgroups: which of the host's it may use, and create's move out of a
// v2 base it would otherwise hold. Apart from host.ts (root's), so that root's create loads
// no node:fs (docs/performance.md, "What start-up costs"): a rootless create imports this.
import { accessSync, constants, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { LxcriError } from "../errors.ts";
import { join } from "../path.ts";
import { cgroupLayout, cgroupV2Base, type HostCgroups, readHierarchies } from "./host.ts";

const writable = (dir: string, ...files: string[]): boolean => {
  try {
    for (const f of ["", ...files]) accessSync(join(dir, f), constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * liblxc's unified_hierarchy_delegated: every file the kernel lists in /sys/kernel/cgroup/delegate
 * (cgroup.procs aside; without the list cgroup.threads, cgroup.subtree_control, memory.oom.group)
 * is writable in `base`, or absent there. What systemd's Delegate=yes chowns.
 */
function delegated(base: string): boolean {
  let list: string[];
  try {
    list = readFileSync("/sys/kernel/cgroup/delegate", "utf8")
      .split(/\s+/)
      .filter((f) => f && f !== "cgroup.procs");
  } catch {
    list = ["cgroup.threads", "cgroup.subtree_control", "memory.oom.group"];
  }
  return list.every((f) => {
    try {
      accessSync(join(base, f), constants.W_OK);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOENT";
    }
  });
}

/**
 * Rootless: what liblxc (cgfsng.c __initialize_cgroups) uses when it is not root on the host.
 * Its base is pid 1's cgroup for uid 0 (of a user namespace), else the caller's own; it skips
 * every hierarchy whose base the caller cannot write (faccessat W_OK: legacy_hierarchy_delegated;
 * on v2 the delegation files, above). None left: cgroupless.
 */
export function rootlessCgroups(): HostCgroups {
  const base = process.geteuid!() === 0 ? 1 : process.pid;
  const own = (): HostCgroups =>
    cgroupLayout() === "v2"
      ? { hierarchies: [], v2Base: cgroupV2Base(process.pid), cgroupless: true }
      : { hierarchies: readHierarchies(process.pid), cgroupless: true };
  if (cgroupLayout() === "v2") {
    const v2Base = cgroupV2Base(base);
    return delegated(v2Base) ? { hierarchies: [], v2Base, cgroupless: false } : own();
  }
  const hierarchies = readHierarchies(base).filter((h) => writable(h.base));
  return hierarchies.length ? { hierarchies, cgroupless: false } : own();
}

/**
 * Rootless on v2 with a cgroup of the caller's own to use (a delegated subtree): liblxc
 * enables the controllers in that base (cgroup.subtree_control), which cgroup v2 refuses
 * while the base holds a process — and create is in it. So create first moves itself into a
 * leaf of its own below the base (returned: delete removes it once empty), after it spawned the
 * monitor there (liblxc takes the base from the monitor's cgroup); any other process
 * there is the caller's to move (LXC asks the same: `systemd-run --user --scope -p
 * Delegate=yes`), and is refused here with that advice rather than liblxc's EBUSY.
 */
export function leaveRootlessBase(base: string, monitor: number): string {
  const leaf = join(base, `lxcri.create.${process.pid}`);
  mkdirSync(leaf, { recursive: true }); // one an earlier create of this pid left (a run ends in its own) is reused
  writeFileSync(join(leaf, "cgroup.procs"), String(process.pid));
  // the monitor (spawned here, waiting for its gate) leaves for liblxc's monitor cgroup first
  const others = readFileSync(join(base, "cgroup.procs"), "utf8")
    .split("\n")
    .filter((p) => p && p !== String(monitor))
    .join(", ");
  if (others) {
    writeFileSync(join(base, "cgroup.procs"), String(process.pid)); // back: nothing was enabled yet
    rmdirSync(leaf);
    throw new LxcriError(
      "runtime",
      `rootless on cgroup v2: liblxc makes the container's cgroup below ${base}, the caller's own, which holds other processes (${others}); cgroup v2 delegates no controller from a cgroup with processes: run lxcri alone in a delegated cgroup (systemd-run --user --scope -p Delegate=yes lxcri …)`,
    );
  }
  return leaf;
}
