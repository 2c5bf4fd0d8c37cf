// The host's cgroup layout, read once per process: translation needs it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { procCgroups } from "../host/proc.ts";
import type { CgroupLayout } from "../lxc/devices.ts";
import type { CgroupHierarchy } from "../lxc/mounts.ts";
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

function readHierarchies(): CgroupHierarchy[] {
  const mounts = cgroupMounts();
  if (mounts.some((m) => m.mountpoint === "/sys/fs/cgroup")) return [];
  const init = new Map([...procCgroups(1)].map(([key, path]) => [key.startsWith("0:") ? "0:" : key.split(",").sort().join(","), path]));
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
export function cgroupV2Base(): string {
  const path = ([...procCgroups(1)].find(([key]) => key.startsWith("0:"))?.[1] ?? "/").replace(/\/init\.scope$/, "") || "/";
  return join("/sys/fs/cgroup", path);
}

/**
 * The directories liblxc (as root, lxc.cgroup.relative = 0) makes for the cgroup `rel`
 * (lxc.cgroup.dir.container or .monitor): one below each hierarchy's base, or the pure v2 base.
 */
export function cgroupDirsFor(rel: string): string[] {
  const h = cgroupHierarchies();
  return h.length ? h.map((x) => join(x.base, rel)) : [join(cgroupV2Base(), rel)];
}

/** `name`, or the first `name-N` (N < 1000, liblxc's limit) that none of the hierarchies (or a pure v2 host's base) has. */
export function freeCgroupName(hierarchies: CgroupHierarchy[], name: string): string {
  const bases = hierarchies.length ? hierarchies.map((h) => h.base) : [cgroupV2Base()];
  for (let n = 0; n < 1000; n++) {
    const candidate = n ? `${name}-${n}` : name;
    if (!bases.some((b) => existsSync(join(b, candidate)))) return candidate;
  }
  return name; // liblxc then reports the cgroup it cannot create
}
