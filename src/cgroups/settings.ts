// linux.resources → the container's cgroup settings, once: one typed list of
// files and values for this host's layout, which every consumer maps from —
// translation to liblxc's keys (src/lxc/cgroup-items.ts), update to the
// container's files (src/cgroups/cgroupfs.ts), systemd to its unit properties
// (src/cgroups/scope.ts). cgroup v1 (and hybrid) hosts get v1 files, pure v2
// hosts v2 files, with runc's v1→v2 conversions (shares → weight, swap as
// memory+swap → swap alone). -1 means "no limit": -1 on v1, "max" on v2.
// The values were checked (src/spec/resources.ts); what a controller cannot
// do on this host's cgroup layout is refused here, as unsupportedOnHost.
import { unsupportedOnHost } from "../errors.ts";
import type { Resources } from "../spec/types.ts";
import type { CgroupLayout } from "./layout.ts";

/** One cgroup file's value. `controller` is the file's own ("memory" for memory.max); none for cgroup.* core files. */
export interface CgroupSetting {
  controller?: string;
  file: string;
  value: string;
}

/** The controller a cgroup file belongs to: its name up to the first dot ("cgroup" is the core, no controller). */
export function controllerOf(file: string): string | undefined {
  const c = file.slice(0, file.indexOf("."));
  return c && c !== "cgroup" ? c : undefined;
}

/** runc's conversion of cgroup v1 cpu.shares [2, 262144] to v2 cpu.weight [1, 10000]. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((Math.min(Math.max(shares, 2), 262144) - 2) * 9999) / 262142);
}

/** runc's conversion of blkio.weight [10, 1000] to io.weight [1, 10000]. */
export function blkioToIoWeight(weight: number): number {
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

/**
 * The cgroup settings for `r` on a `cgroup` host, in the spec's order (device rules are
 * src/lxc/devices.ts's). `path` is where the resources are in their document:
 * "linux.resources" in config.json, "" for an update's --resources; errors and warnings
 * name fields below it.
 */
export function cgroupSettings(
  r: Resources | undefined,
  cgroup: CgroupLayout,
  warn: (m: string) => void,
  path = "linux.resources",
): CgroupSetting[] {
  const settings: CgroupSetting[] = [];
  const v1 = cgroup === "v1";
  const set = (file: string, value: string | number) => {
    const controller = controllerOf(file);
    settings.push(controller ? { controller, file, value: String(value) } : { file, value: String(value) });
  };
  const max = (n: number) => (n === -1 ? (v1 ? "-1" : "max") : String(n));
  const at = (field: string) => (path ? `${path}.${field}` : field);
  const noV2 = (field: string, why = "has no cgroup v2 equivalent") => unsupportedOnHost(at(field), why);

  if (r?.pids) set("pids.max", r.pids.limit > 0 ? r.pids.limit : "max");

  const m = r?.memory;
  if (m) {
    // Linux accounts memory hierarchically on cgroup v2, and on v1 since 5.11 (memory.use_hierarchy
    // reads 1 and refuses 0): true is what the kernel does, false cannot be had.
    if (m.useHierarchy === false)
      throw unsupportedOnHost(
        at("memory.useHierarchy"),
        "memory is always accounted hierarchically (cgroup v2, and cgroup v1 since Linux 5.11)",
      );
    // checkBeforeUpdate is update's (src/container/update.ts): at create there is no usage to check.
    if (m.kernel !== undefined)
      warn(`${at("memory.kernel")}: kernel memory limits are ignored (deprecated in runtime-spec, unsupported by recent kernels)`);
    if (v1) {
      if (m.limit !== undefined) set("memory.limit_in_bytes", max(m.limit));
      if (m.reservation !== undefined) set("memory.soft_limit_in_bytes", max(m.reservation));
      if (m.swap !== undefined) set("memory.memsw.limit_in_bytes", max(m.swap));
      if (m.kernelTCP !== undefined) set("memory.kmem.tcp.limit_in_bytes", max(m.kernelTCP));
      if (m.swappiness !== undefined) set("memory.swappiness", m.swappiness);
      if (m.disableOOMKiller) set("memory.oom_control", 1);
    } else {
      if (m.limit !== undefined) set("memory.max", max(m.limit));
      if (m.reservation !== undefined) set("memory.low", max(m.reservation));
      if (m.swap !== undefined) {
        // OCI swap is memory+swap (v1 memsw); v2's memory.swap.max is swap alone.
        if (m.swap !== -1 && (m.limit === undefined || m.limit === -1))
          throw noV2("memory.swap", "on cgroup v2 a swap limit needs a memory limit");
        set("memory.swap.max", m.swap === -1 ? "max" : String(m.swap - m.limit!));
      }
      for (const f of ["kernelTCP", "swappiness", "disableOOMKiller"] as const)
        if (m[f] !== undefined && m[f] !== false) throw noV2(`memory.${f}`);
    }
  }

  const c = r?.cpu;
  if (c) {
    if (c.cpus !== undefined) set("cpuset.cpus", c.cpus);
    if (c.mems !== undefined) set("cpuset.mems", c.mems);
    if (v1) {
      if (c.shares !== undefined) set("cpu.shares", c.shares);
      if (c.period !== undefined) set("cpu.cfs_period_us", c.period);
      if (c.quota !== undefined) set("cpu.cfs_quota_us", c.quota);
      if (c.burst !== undefined) set("cpu.cfs_burst_us", c.burst);
      if (c.realtimePeriod !== undefined) set("cpu.rt_period_us", c.realtimePeriod);
      if (c.realtimeRuntime !== undefined) set("cpu.rt_runtime_us", c.realtimeRuntime);
    } else {
      if (c.shares !== undefined) set("cpu.weight", sharesToWeight(c.shares));
      if (c.quota !== undefined || c.period !== undefined)
        set("cpu.max", `${c.quota === undefined || c.quota === -1 ? "max" : c.quota} ${c.period ?? 100000}`);
      if (c.burst !== undefined) set("cpu.max.burst", c.burst);
      if (c.realtimePeriod !== undefined || c.realtimeRuntime !== undefined)
        throw noV2(
          c.realtimeRuntime !== undefined ? "cpu.realtimeRuntime" : "cpu.realtimePeriod",
          "real-time scheduling limits have no cgroup v2 equivalent",
        );
    }
    if (c.idle !== undefined) set("cpu.idle", c.idle);
  }

  const b = r?.blockIO;
  if (b) {
    const dev = (d: { major: number; minor: number }) => `${d.major}:${d.minor}`;
    const throttles = [
      ["throttleReadBpsDevice", "read_bps_device", "rbps"],
      ["throttleWriteBpsDevice", "write_bps_device", "wbps"],
      ["throttleReadIOPSDevice", "read_iops_device", "riops"],
      ["throttleWriteIOPSDevice", "write_iops_device", "wiops"],
    ] as const;
    if (v1) {
      if (b.weight !== undefined) set("blkio.weight", b.weight);
      if (b.leafWeight !== undefined) set("blkio.leaf_weight", b.leafWeight);
      for (const d of b.weightDevice ?? []) {
        if (d.weight !== undefined) set("blkio.weight_device", `${dev(d)} ${d.weight}`);
        if (d.leafWeight !== undefined) set("blkio.leaf_weight_device", `${dev(d)} ${d.leafWeight}`);
      }
      for (const [field, file] of throttles) for (const d of b[field] ?? []) set(`blkio.throttle.${file}`, `${dev(d)} ${d.rate}`);
    } else {
      if (b.leafWeight !== undefined) throw noV2("blockIO.leafWeight");
      if (b.weight !== undefined) set("io.weight", blkioToIoWeight(b.weight));
      for (const d of b.weightDevice ?? []) if (d.weight !== undefined) set("io.weight", `${dev(d)} ${blkioToIoWeight(d.weight)}`);
      for (const [field, , key] of throttles) for (const d of b[field] ?? []) set("io.max", `${dev(d)} ${key}=${d.rate}`);
    }
  }

  // As runc: the limit bounds both the pages in use and the pages reserved (rsvd, Linux 5.7), so a
  // mapping cannot reserve past it and be SIGBUSed at first touch.
  for (const h of r?.hugepageLimits ?? []) {
    set(v1 ? `hugetlb.${h.pageSize}.limit_in_bytes` : `hugetlb.${h.pageSize}.max`, h.limit);
    set(v1 ? `hugetlb.${h.pageSize}.rsvd.limit_in_bytes` : `hugetlb.${h.pageSize}.rsvd.max`, h.limit);
  }

  const n = r?.network;
  if (n) {
    if (!v1)
      throw noV2(n.classID !== undefined ? "network.classID" : "network.priorities", "net_cls and net_prio have no cgroup v2 equivalent");
    if (n.classID !== undefined) set("net_cls.classid", n.classID);
    for (const p of n.priorities ?? []) set("net_prio.ifpriomap", `${p.name} ${p.priority}`);
  }

  if (r?.unified) {
    if (v1) throw unsupportedOnHost(at("unified"), "raw cgroup v2 keys need a cgroup v2 host");
    for (const [key, value] of Object.entries(r.unified)) set(key, value);
  }
  return settings;
}
