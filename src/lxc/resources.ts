// linux.resources → liblxc cgroup keys: lxc.cgroup.<file> on cgroup v1 (and
// hybrid) hosts, lxc.cgroup2.<file> on pure v2 hosts, with runc's v1→v2
// conversions (shares → weight, swap as memory+swap → swap alone).
// -1 means "no limit": -1 on v1, "max" on v2.
import { configError } from "../errors.ts";
import { boolean, type Check, integer, object, opt, string, uint64 } from "../spec/check.ts";
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

export function resourceItems(spec: Spec, cgroup: CgroupLayout, warn: (m: string) => void): ConfigItem[] {
  const r = spec.linux?.resources;
  const items: ConfigItem[] = [];
  const v1 = cgroup === "v1";
  const set = (file: string, value: string | number) => items.push([`${v1 ? "lxc.cgroup" : "lxc.cgroup2"}.${file}`, String(value)]);
  const max = (n: number) => (n === -1 ? (v1 ? "-1" : "max") : String(n));

  if (r?.memory !== undefined && r.memory !== null) {
    const m = memoryCheck(r.memory, "linux.resources.memory");
    if (m.kernel !== undefined) warn("linux.resources.memory.kernel: kernel memory limits are ignored (deprecated in runtime-spec, unsupported by recent kernels)");
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
      if (c.quota !== undefined || c.period !== undefined) set("cpu.max", `${c.quota === undefined || c.quota === -1 ? "max" : c.quota} ${c.period ?? 100000}`);
      if (c.burst !== undefined) set("cpu.max.burst", c.burst);
      if (c.realtimePeriod !== undefined || c.realtimeRuntime !== undefined)
        throw configError("linux.resources.cpu.realtimeRuntime", "real-time scheduling limits have no cgroup v2 equivalent");
    }
    if (c.idle !== undefined) set("cpu.idle", c.idle);
  }
  return items;
}
