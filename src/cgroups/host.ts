// The host's cgroup layout, read once per process: translation needs it.
import { readFileSync } from "node:fs";
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

/** The host's v1 hierarchies (and a hybrid host's cgroup2) under /sys/fs/cgroup; empty on a pure v2 host. */
export function cgroupHierarchies(): CgroupHierarchy[] {
  hierarchies ??= readHierarchies();
  return hierarchies;
}

function readHierarchies(): CgroupHierarchy[] {
  const mounts = cgroupMounts();
  if (mounts.some((m) => m.mountpoint === "/sys/fs/cgroup")) return [];
  return mounts
    .filter((m) => /^\/sys\/fs\/cgroup\/[^/]+$/.test(m.mountpoint))
    .map((m) => ({
      name: m.mountpoint.slice("/sys/fs/cgroup/".length),
      fstype: m.key === "0:" ? "cgroup2" : "cgroup",
      options: m.key.startsWith("name=") ? `none,${m.key}` : m.key,
    }));
}
