// linux.resources → liblxc cgroup keys: lxc.cgroup.<file> on cgroup v1 (and
// hybrid) hosts, lxc.cgroup2.<file> on pure v2 hosts, with runc's v1→v2
// conversions (shares → weight, swap as memory+swap → swap alone).
// -1 means "no limit": -1 on v1, "max" on v2.
import { configError } from "../errors.ts";
import { arrayOf, boolean, type Check, integer, mapOf, object, opt, req, string, uint32, uint64 } from "../spec/check.ts";
import type { Spec } from "../spec/types.ts";
import type { CgroupLayout } from "./devices.ts";
import type { ConfigItem } from "./items.ts";

const limit = integer(-1, Number.MAX_SAFE_INTEGER, "a byte count or -1");

const memoryCheck = object({
  limit: opt(limit),
  reservation: opt(limit),
  swap: opt(limit),
  kernel: opt(limit),
  kernelTCP: opt(limit),
  swappiness: opt(integer(0, 100)),
  disableOOMKiller: opt(boolean),
  useHierarchy: opt(boolean),
  checkBeforeUpdate: opt(boolean),
});

const cpuCheck = object({
  shares: opt(uint64),
  quota: opt(integer(-1, Number.MAX_SAFE_INTEGER)),
  burst: opt(uint64),
  period: opt(uint64),
  realtimeRuntime: opt(integer(-1, Number.MAX_SAFE_INTEGER)),
  realtimePeriod: opt(uint64),
  cpus: opt(string),
  mems: opt(string),
  idle: opt(integer(-1, 1)),
});

const cpuset: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!/^(\d+(-\d+)?)(,\d+(-\d+)?)*$/.test(s)) throw configError(p, `invalid cpu or memory node list ${JSON.stringify(s)}`);
  return s;
};

/** runc's conversion of cgroup v1 cpu.shares [2, 262144] to v2 cpu.weight [1, 10000]. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((Math.min(Math.max(shares, 2), 262144) - 2) * 9999) / 262142);
}

const deviceWeight = object({ major: req(uint64), minor: req(uint64), weight: opt(integer(10, 1000)), leafWeight: opt(integer(10, 1000)) });
const deviceRate = object({ major: req(uint64), minor: req(uint64), rate: req(uint64) });
const blockIOCheck = object({
  weight: opt(integer(10, 1000)),
  leafWeight: opt(integer(10, 1000)),
  weightDevice: opt(arrayOf(deviceWeight)),
  throttleReadBpsDevice: opt(arrayOf(deviceRate)),
  throttleWriteBpsDevice: opt(arrayOf(deviceRate)),
  throttleReadIOPSDevice: opt(arrayOf(deviceRate)),
  throttleWriteIOPSDevice: opt(arrayOf(deviceRate)),
});
const hugepageCheck = arrayOf(object({ pageSize: req(string), limit: req(uint64) }));
const networkCheck = object({ classID: opt(uint32), priorities: opt(arrayOf(object({ name: req(string), priority: req(uint32) }))) });

/** runc's conversion of blkio.weight [10, 1000] to io.weight [1, 10000]. */
export function blkioToIoWeight(weight: number): number {
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

export function resourceItems(spec: Spec, cgroup: CgroupLayout, warn: (m: string) => void): ConfigItem[] {
  const r = spec.linux?.resources;
  const items: ConfigItem[] = [];
  const v1 = cgroup === "v1";
  const set = (file: string, value: string | number) => items.push([`${v1 ? "lxc.cgroup" : "lxc.cgroup2"}.${file}`, String(value)]);
  const max = (n: number) => (n === -1 ? (v1 ? "-1" : "max") : String(n));

  if (r?.pids !== undefined && r.pids !== null) {
    const pids = object({ limit: req(integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) })(r.pids, "linux.resources.pids");
    set("pids.max", pids.limit > 0 ? pids.limit : "max");
  }

  if (r?.memory !== undefined && r.memory !== null) {
    const m = memoryCheck(r.memory, "linux.resources.memory");
    if (m.kernel !== undefined)
      warn("linux.resources.memory.kernel: kernel memory limits are ignored (deprecated in runtime-spec, unsupported by recent kernels)");
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
          throw configError("linux.resources.memory.swap", "on cgroup v2 a swap limit needs a memory limit");
        set("memory.swap.max", m.swap === -1 ? "max" : String(m.swap - m.limit!));
      }
      for (const f of ["kernelTCP", "swappiness", "disableOOMKiller"] as const)
        if (m[f] !== undefined && m[f] !== false) throw configError(`linux.resources.memory.${f}`, "has no cgroup v2 equivalent");
    }
  }

  if (r?.cpu !== undefined && r.cpu !== null) {
    const c = cpuCheck(r.cpu, "linux.resources.cpu");
    if (c.cpus !== undefined) set("cpuset.cpus", cpuset(c.cpus, "linux.resources.cpu.cpus"));
    if (c.mems !== undefined) set("cpuset.mems", cpuset(c.mems, "linux.resources.cpu.mems"));
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
        throw configError("linux.resources.cpu.realtimeRuntime", "real-time scheduling limits have no cgroup v2 equivalent");
    }
    if (c.idle !== undefined) set("cpu.idle", c.idle);
  }

  if (r?.blockIO !== undefined && r.blockIO !== null) {
    const b = blockIOCheck(r.blockIO, "linux.resources.blockIO");
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
      if (b.leafWeight !== undefined) throw configError("linux.resources.blockIO.leafWeight", "has no cgroup v2 equivalent");
      if (b.weight !== undefined) set("io.weight", blkioToIoWeight(b.weight));
      for (const d of b.weightDevice ?? []) if (d.weight !== undefined) set("io.weight", `${dev(d)} ${blkioToIoWeight(d.weight)}`);
      for (const [field, , key] of throttles) for (const d of b[field] ?? []) set("io.max", `${dev(d)} ${key}=${d.rate}`);
    }
  }

  if (r?.hugepageLimits !== undefined && r.hugepageLimits !== null)
    hugepageCheck(r.hugepageLimits, "linux.resources.hugepageLimits").forEach((h, i) => {
      if (!/^\d+[KMG]B$/.test(h.pageSize))
        throw configError(`linux.resources.hugepageLimits[${i}].pageSize`, `invalid page size ${JSON.stringify(h.pageSize)}`);
      set(v1 ? `hugetlb.${h.pageSize}.limit_in_bytes` : `hugetlb.${h.pageSize}.max`, h.limit);
    });

  if (r?.network !== undefined && r.network !== null) {
    const n = networkCheck(r.network, "linux.resources.network");
    if (!v1) throw configError("linux.resources.network", "net_cls and net_prio have no cgroup v2 equivalent");
    if (n.classID !== undefined) set("net_cls.classid", n.classID);
    for (const p of n.priorities ?? []) set("net_prio.ifpriomap", `${p.name} ${p.priority}`);
  }

  if (r?.unified !== undefined && r.unified !== null) {
    const u = mapOf(string)(r.unified, "linux.resources.unified");
    if (v1) throw configError("linux.resources.unified", "raw cgroup v2 keys need a cgroup v2 host");
    for (const [key, value] of Object.entries(u)) {
      if (!/^[a-z0-9_]+\.[a-z0-9_.]+$/.test(key) || key.startsWith("cgroup."))
        throw configError(`linux.resources.unified[${JSON.stringify(key)}]`, "invalid cgroup file name");
      set(key, value);
    }
  }
  return items;
}
