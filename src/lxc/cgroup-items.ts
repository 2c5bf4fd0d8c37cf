// The container's cgroup settings (src/cgroups/settings.ts) as liblxc's keys:
// lxc.cgroup.<file> on a cgroup v1 (or hybrid) host, lxc.cgroup2.<file> on a
// pure v2 host. The only place a cgroup setting becomes an LXC key string.
import type { CgroupLayout } from "../cgroups/layout.ts";
import type { CgroupSetting } from "../cgroups/settings.ts";
import type { ConfigItem } from "./items.ts";

export function cgroupItems(settings: readonly CgroupSetting[], layout: CgroupLayout): ConfigItem[] {
  const prefix = layout === "v1" ? "lxc.cgroup" : "lxc.cgroup2";
  return settings.map((s) => [`${prefix}.${s.file}`, s.value]);
}
