import { describe, expect, test } from "bun:test";
import { blkioToIoWeight, cgroupSettings, sharesToWeight } from "../../src/cgroups/settings.ts";
import { cgroupItems } from "../../src/lxc/cgroup-items.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { errorOf } from "./error-of.ts";

/** linux.resources of the default spec, set to `resources` and checked. */
const withResources = (resources: Record<string, unknown>) => {
  const s = defaultSpec();
  s.linux!.resources = resources;
  return validateSpec(s).linux!.resources;
};
const error = errorOf;
/** The settings for `r` as [file, value] pairs, each checked to carry its file's controller. */
const pairs = (...args: Parameters<typeof cgroupSettings>) =>
  cgroupSettings(...args).map((s) => {
    expect(s.controller).toBe(s.file.split(".")[0]);
    return [s.file, s.value];
  });

describe("cgroup settings (src/cgroups/settings.ts): one list from linux.resources, v1 or v2 files", () => {
  const memory = { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 10, disableOOMKiller: true, kernelTCP: 1 << 20 };
  const cpu = { shares: 1024, quota: 50000, period: 100000, realtimeRuntime: 1000, realtimePeriod: 1000000, cpus: "0-1", mems: "0" };

  test("cgroup v1 files", () => {
    const warnings: string[] = [];
    expect(pairs(withResources({ memory: { ...memory, kernel: 1 }, cpu }), "v1", (w) => warnings.push(w))).toEqual([
      ["memory.limit_in_bytes", String(64 << 20)],
      ["memory.soft_limit_in_bytes", String(32 << 20)],
      ["memory.memsw.limit_in_bytes", String(128 << 20)],
      ["memory.kmem.tcp.limit_in_bytes", String(1 << 20)],
      ["memory.swappiness", "10"],
      ["memory.oom_control", "1"],
      ["cpuset.cpus", "0-1"],
      ["cpuset.mems", "0"],
      ["cpu.shares", "1024"],
      ["cpu.cfs_period_us", "100000"],
      ["cpu.cfs_quota_us", "50000"],
      ["cpu.rt_period_us", "1000000"],
      ["cpu.rt_runtime_us", "1000"],
    ]);
    expect(warnings[0]).toContain("linux.resources.memory.kernel");
  });

  test("cgroup v2 files, with runc's conversions", () => {
    expect(
      pairs(
        withResources({ memory: { limit: 64 << 20, reservation: -1, swap: 128 << 20 }, cpu: { shares: 1024, quota: -1, cpus: "1" } }),
        "v2",
        () => {},
      ),
    ).toEqual([
      ["memory.max", String(64 << 20)],
      ["memory.low", "max"],
      ["memory.swap.max", String(64 << 20)],
      ["cpuset.cpus", "1"],
      ["cpu.weight", "39"],
      ["cpu.max", "max 100000"],
    ]);
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(262144)).toBe(10000);
  });

  test("block I/O, hugetlb, network and unified files", () => {
    const blockIO = {
      weight: 500,
      leafWeight: 300,
      weightDevice: [{ major: 8, minor: 0, weight: 100 }],
      throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
      throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
    };
    expect(
      pairs(
        withResources({
          blockIO,
          hugepageLimits: [{ pageSize: "2MB", limit: 1 << 21 }],
          network: { classID: 7, priorities: [{ name: "eth0", priority: 3 }] },
        }),
        "v1",
        () => {},
      ),
    ).toEqual([
      ["blkio.weight", "500"],
      ["blkio.leaf_weight", "300"],
      ["blkio.weight_device", "8:0 100"],
      ["blkio.throttle.read_bps_device", "8:0 1048576"],
      ["blkio.throttle.write_iops_device", "8:16 100"],
      ["hugetlb.2MB.limit_in_bytes", String(1 << 21)],
      ["hugetlb.2MB.rsvd.limit_in_bytes", String(1 << 21)],
      ["net_cls.classid", "7"],
      ["net_prio.ifpriomap", "eth0 3"],
    ]);
    const { leafWeight: _, ...v2BlockIO } = blockIO;
    expect(
      pairs(
        withResources({ blockIO: v2BlockIO, hugepageLimits: [{ pageSize: "1GB", limit: 0 }], unified: { "memory.high": "1000000" } }),
        "v2",
        () => {},
      ),
    ).toEqual([
      ["io.weight", String(blkioToIoWeight(500))],
      ["io.weight", `8:0 ${blkioToIoWeight(100)}`],
      ["io.max", "8:0 rbps=1048576"],
      ["io.max", "8:16 wiops=100"],
      ["hugetlb.1GB.max", "0"],
      ["hugetlb.1GB.rsvd.max", "0"],
      ["memory.high", "1000000"],
    ]);
    expect(blkioToIoWeight(10)).toBe(1);
    expect(blkioToIoWeight(1000)).toBe(10000);
  });

  test("memory.swap below memory.limit is refused at the check (it is memory+swap), as runc refuses it", () => {
    expect(error(() => withResources({ memory: { limit: 64 << 20, swap: 32 << 20 } }))).toContain(
      "linux.resources.memory.swap: 33554432 is below memory.limit 67108864",
    );
    for (const memory of [
      { limit: 64 << 20, swap: 64 << 20 },
      { limit: -1, swap: 1 << 20 },
      { limit: 64 << 20, swap: -1 },
    ])
      expect(withResources({ memory })?.memory).toEqual(memory);
  });

  test("memory.useHierarchy: true is what the kernel does, false is refused naming the field", () => {
    for (const layout of ["v1", "v2"] as const) {
      expect(pairs(withResources({ memory: { useHierarchy: true } }), layout, () => {})).toEqual([]);
      expect(error(() => pairs(withResources({ memory: { useHierarchy: false } }), layout, () => {}))).toContain(
        "linux.resources.memory.useHierarchy",
      );
    }
  });

  test("what a controller cannot do, or cannot do on this host, is an error naming the field", () => {
    expect(error(() => pairs(withResources({ unified: { "memory.high": "1" } }), "v1", () => {}))).toContain(
      "linux.resources.unified: raw cgroup v2 keys need a cgroup v2 host",
    );
    expect(error(() => pairs(withResources({ unified: { "cgroup.procs": "1" } }), "v2", () => {}))).toContain(
      'linux.resources.unified["cgroup.procs"]: invalid cgroup file name',
    );
    expect(error(() => pairs(withResources({ network: { classID: 1 } }), "v2", () => {}))).toContain(
      "linux.resources.network.classID: net_cls and net_prio have no cgroup v2 equivalent",
    );
    expect(error(() => pairs(withResources({ hugepageLimits: [{ pageSize: "2XB", limit: 1 }] }), "v1", () => {}))).toContain(
      "linux.resources.hugepageLimits[0].pageSize",
    );
    expect(error(() => pairs(withResources({ blockIO: { weight: 5 } }), "v1", () => {}))).toContain(
      "linux.resources.blockIO.weight: 5 is out of range",
    );
    expect(error(() => pairs(withResources({ memory: { swappiness: 10 } }), "v2", () => {}))).toContain(
      "linux.resources.memory.swappiness: has no cgroup v2 equivalent",
    );
    expect(error(() => pairs(withResources({ cpu: { realtimeRuntime: 5 } }), "v2", () => {}))).toContain(
      "linux.resources.cpu.realtimeRuntime",
    );
    expect(error(() => pairs(withResources({ memory: { limit: -5 } }), "v1", () => {}))).toContain(
      "linux.resources.memory.limit: -5 is out of range",
    );
    expect(error(() => pairs(withResources({ cpu: { cpus: "0-1;rm" } }), "v1", () => {}))).toContain(
      'linux.resources.cpu.cpus: invalid cpu or memory node list "0-1;rm"',
    );
  });
});

describe("translation: the settings as liblxc keys (src/lxc/cgroup-items.ts)", () => {
  test("lxc.cgroup.<file> on v1, lxc.cgroup2.<file> on v2, in the list's order", () => {
    const settings = [
      { controller: "pids", file: "pids.max", value: "5" },
      { controller: "memory", file: "memory.max", value: "max" },
      { file: "cgroup.max.depth", value: "3" },
    ];
    expect(cgroupItems(settings, "v1")).toEqual([
      ["lxc.cgroup.pids.max", "5"],
      ["lxc.cgroup.memory.max", "max"],
      ["lxc.cgroup.cgroup.max.depth", "3"],
    ]);
    expect(cgroupItems(settings, "v2")).toEqual([
      ["lxc.cgroup2.pids.max", "5"],
      ["lxc.cgroup2.memory.max", "max"],
      ["lxc.cgroup2.cgroup.max.depth", "3"],
    ]);
  });
});

describe("memory.checkBeforeUpdate (runc's CheckMemoryUsage)", () => {
  const { memoryUsageCheck } = require("../../src/container/update.ts") as typeof import("../../src/container/update.ts");
  test("a limit at or below the usage is refused naming the field; no check, no limit, or no usage passes", () => {
    expect(error(() => memoryUsageCheck({ memory: { limit: 100 } }, true, 100))).toContain(
      "--resources: memory.limit: rejecting memory limit 100 <= usage 100",
    );
    expect(error(() => memoryUsageCheck({ memory: { limit: 1000, swap: 50 } }, true, 100))).toContain("memory.swap: rejecting memory+swap");
    expect(() => memoryUsageCheck({ memory: { limit: 101 } }, true, 100)).not.toThrow();
    expect(() => memoryUsageCheck({ memory: { limit: 10 } }, false, 100)).not.toThrow();
    expect(() => memoryUsageCheck({ memory: { limit: -1 } }, true, 100)).not.toThrow();
    expect(() => memoryUsageCheck({ memory: { limit: 10 } }, true, undefined)).not.toThrow();
  });
});
