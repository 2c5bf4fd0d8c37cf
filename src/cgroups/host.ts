// The host's cgroup layout, read once per process: translation needs it.
import { exists } from "../host/fs.ts";
import { join } from "../path.ts";
import { procCgroups } from "../host/proc.ts";
import type { CgroupHierarchy, CgroupLayout } from "./layout.ts";
import { cgroupMounts } from "./paths.ts";

let layout: CgroupLayout | undefined;
let hierarchies: CgroupHierarchy[] | undefined;

/** "v2" when /sys/fs/cgroup is a pure cgroup2 mount; "v1" for legacy and hybrid hosts. */
export function cgroupLayout(): CgroupLayout {
  // from the cgroup mounts read once (paths.ts), not a read of /proc/self/mounts of its own
  layout ??= cgroupMounts().some((m) => m.key === "0:" && m.mountpoint === "/sys/fs/cgroup") ? "v2" : "v1";
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

export function readHierarchies(pid = 1): CgroupHierarchy[] {
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

/** `name`, or the first `name-N` (N < 1000, liblxc's limit) that none of the hierarchies (or a pure v2 host's base) has. */
export function freeCgroupName(cg: HostCgroups, name: string): string {
  if (cg.cgroupless) return name;
  const bases = cg.hierarchies.length ? cg.hierarchies.map((h) => h.base) : [cg.v2Base!];
  for (let n = 0; n < 1000; n++) {
    const candidate = n ? `${name}-${n}` : name;
    if (!bases.some((b) => exists(join(b, candidate)))) return candidate;
  }
  return name; // liblxc then reports the cgroup it cannot create
}
