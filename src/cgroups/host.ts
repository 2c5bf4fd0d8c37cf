// The host's cgroup layout, read once per process: translation needs it.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LxcriError } from "../errors.ts";
import { procCgroups } from "../host/proc.ts";
import type { CgroupHierarchy, CgroupLayout } from "./layout.ts";
import { cgroupMounts } from "./paths.ts";

let layout: CgroupLayout | undefined;
let hierarchies: CgroupHierarchy[] | undefined;

/** "v2" when /sys/fs/cgroup is a pure cgroup2 mount; "v1" for legacy and hybrid hosts. */
export function cgroupLayout(): CgroupLayout {
  layout ??= /^\S+ \/sys\/fs\/cgroup cgroup2 /m.test(readFileSync("/proc/self/mounts", "utf8")) ? "v2" : "v1";
  return layout;
}

/**
 * The host's v1 hierarchies (and a hybrid host's cgroup2) under /sys/fs/cgroup; empty on a pure
 * v2 host. Each with the directory liblxc (as root, lxc.cgroup.relative = 0) makes a container's
 * cgroup in: pid 1's cgroup in that hierarchy without a trailing init.scope (cgfsng.c
 * __initialize_cgroups), below the mount point.
 */
export function cgroupHierarchies(): CgroupHierarchy[] {
  hierarchies ??= readHierarchies();
  return hierarchies;
}

function readHierarchies(pid = 1): CgroupHierarchy[] {
  const mounts = cgroupMounts();
  if (mounts.some((m) => m.mountpoint === "/sys/fs/cgroup")) return [];
  const init = new Map([...procCgroups(pid)].map(([key, path]) => [key.startsWith("0:") ? "0:" : key.split(",").sort().join(","), path]));
  return mounts
    .filter((m) => /^\/sys\/fs\/cgroup\/[^/]+$/.test(m.mountpoint))
    .map((m) => {
      const path = (init.get(m.key) ?? "/").replace(/\/init\.scope$/, "") || "/";
      const rel = m.root !== "/" && path.startsWith(m.root) ? path.slice(m.root.length) : path;
      return {
        name: m.mountpoint.slice("/sys/fs/cgroup/".length),
        fstype: m.key === "0:" ? "cgroup2" : "cgroup",
        options: m.key.startsWith("name=") ? `none,${m.key}` : m.key,
        base: join(m.mountpoint, rel),
      } satisfies CgroupHierarchy;
    });
}

/**
 * On a pure cgroup v2 host, the directory liblxc makes a container's cgroup in (as root,
 * lxc.cgroup.relative = 0): pid 1's cgroup without a trailing init.scope, as for v1 above.
 */
export function cgroupV2Base(pid = 1): string {
  const path = ([...procCgroups(pid)].find(([key]) => key.startsWith("0:"))?.[1] ?? "/").replace(/\/init\.scope$/, "") || "/";
  return join("/sys/fs/cgroup", path);
}

/**
 * The directories liblxc (as root, lxc.cgroup.relative = 0) makes for the cgroup `rel`
 * (lxc.cgroup.dir.container or .monitor): one below each hierarchy's base, or the pure v2 base.
 */
export function cgroupDirsFor(rel: string, cg: HostCgroups = hostCgroups()): string[] {
  if (cg.cgroupless) return [];
  return cg.hierarchies.length ? cg.hierarchies.map((x) => join(x.base, rel)) : [join(cg.v2Base!, rel)];
}

/** Where liblxc will make a container's cgroups. */
export interface HostCgroups {
  /** The v1 hierarchies it uses (and a hybrid host's cgroup2); empty on a pure v2 host. */
  hierarchies: CgroupHierarchy[];
  /** On a pure v2 host, the directory it makes them in. */
  v2Base?: string;
  /**
   * Rootless with no cgroup the caller may write: liblxc makes none. hierarchies and v2Base
   * are then the caller's own cgroups (what a cgroup mount binds, as runc's does).
   */
  cgroupless: boolean;
}

/** Root's: every hierarchy, below pid 1's cgroups. */
export function hostCgroups(): HostCgroups {
  return { hierarchies: cgroupHierarchies(), v2Base: cgroupLayout() === "v2" ? cgroupV2Base() : undefined, cgroupless: false };
}

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

/** `name`, or the first `name-N` (N < 1000, liblxc's limit) that none of the hierarchies (or a pure v2 host's base) has. */
export function freeCgroupName(cg: HostCgroups, name: string): string {
  if (cg.cgroupless) return name;
  const bases = cg.hierarchies.length ? cg.hierarchies.map((h) => h.base) : [cg.v2Base!];
  for (let n = 0; n < 1000; n++) {
    const candidate = n ? `${name}-${n}` : name;
    if (!bases.some((b) => existsSync(join(b, candidate)))) return candidate;
  }
  return name; // liblxc then reports the cgroup it cannot create
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
