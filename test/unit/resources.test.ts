import { describe, expect, test } from "bun:test";
import { resourceItems, sharesToWeight } from "../../src/lxc/resources.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { errorOf } from "./error-of.ts";

const withResources = (resources: Record<string, unknown>) => {
  const s = defaultSpec();
  s.linux!.resources = resources;
  return s;
};
const error = errorOf;

describe("cgroup resources", () => {
  const memory = { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 10, disableOOMKiller: true, kernelTCP: 1 << 20 };
  const cpu = { shares: 1024, quota: 50000, period: 100000, realtimeRuntime: 1000, realtimePeriod: 1000000, cpus: "0-1", mems: "0" };

  test("cgroup v1 keys", () => {
    const warnings: string[] = [];
    expect(resourceItems(withResources({ memory: { ...memory, kernel: 1 }, cpu }), "v1", (w) => warnings.push(w))).toEqual([
      ["lxc.cgroup.memory.limit_in_bytes", String(64 << 20)],
      ["lxc.cgroup.memory.soft_limit_in_bytes", String(32 << 20)],
      ["lxc.cgroup.memory.memsw.limit_in_bytes", String(128 << 20)],
      ["lxc.cgroup.memory.kmem.tcp.limit_in_bytes", String(1 << 20)],
      ["lxc.cgroup.memory.swappiness", "10"],
      ["lxc.cgroup.memory.oom_control", "1"],
      ["lxc.cgroup.cpuset.cpus", "0-1"],
      ["lxc.cgroup.cpuset.mems", "0"],
      ["lxc.cgroup.cpu.shares", "1024"],
      ["lxc.cgroup.cpu.cfs_period_us", "100000"],
      ["lxc.cgroup.cpu.cfs_quota_us", "50000"],
      ["lxc.cgroup.cpu.rt_period_us", "1000000"],
      ["lxc.cgroup.cpu.rt_runtime_us", "1000"],
    ]);
    expect(warnings[0]).toContain("linux.resources.memory.kernel");
  });

  test("cgroup v2 keys, with runc's conversions", () => {
    expect(resourceItems(withResources({ memory: { limit: 64 << 20, reservation: -1, swap: 128 << 20 }, cpu: { shares: 1024, quota: -1, cpus: "1" } }), "v2", () => {})).toEqual([
      ["lxc.cgroup2.memory.max", String(64 << 20)],
      ["lxc.cgroup2.memory.low", "max"],
      ["lxc.cgroup2.memory.swap.max", String(64 << 20)],
      ["lxc.cgroup2.cpuset.cpus", "1"],
      ["lxc.cgroup2.cpu.weight", "39"],
      ["lxc.cgroup2.cpu.max", "max 100000"],
    ]);
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(262144)).toBe(10000);
  });

  test("what a controller cannot do is an error naming the field", () => {
    expect(error(() => resourceItems(withResources({ memory: { swappiness: 10 } }), "v2", () => {}))).toContain("linux.resources.memory.swappiness: has no cgroup v2 equivalent");
    expect(error(() => resourceItems(withResources({ cpu: { realtimeRuntime: 5 } }), "v2", () => {}))).toContain("linux.resources.cpu.realtimeRuntime");
    expect(error(() => resourceItems(withResources({ memory: { limit: -5 } }), "v1", () => {}))).toContain("linux.resources.memory.limit: -5 is out of range");
    expect(error(() => resourceItems(withResources({ cpu: { cpus: "0-1;rm" } }), "v1", () => {}))).toContain('linux.resources.cpu.cpus: invalid cpu or memory node list "0-1;rm"');
  });
});
