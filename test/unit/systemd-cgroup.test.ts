import { describe, expect, test } from "bun:test";
import { scopeProperties, systemdCgroupPath, systemdScope } from "../../src/cgroups/scope.ts";
import { cgroupSettings } from "../../src/cgroups/settings.ts";
import { defaultSpec } from "../../src/spec/default.ts";
import { validateSpec } from "../../src/spec/validate.ts";

/** Checked as create checks it with --systemd-cgroup (src/spec/linux.ts), then mapped. */
const path = (cgroupsPath: string, id: string) => {
  const s = defaultSpec();
  s.linux!.cgroupsPath = cgroupsPath;
  return systemdCgroupPath(validateSpec(s, { systemdCgroup: true }).linux!.cgroupsPath!, id);
};

describe("--systemd-cgroup cgroupsPath (slice:prefix:name) → cgroupfs path", () => {
  test("as systemd lays out slices and scopes", () => {
    expect(path("system.slice:crio:abc", "abc")).toBe("/system.slice/crio-abc.scope");
    expect(path("machine.slice:libpod:123", "123")).toBe("/machine.slice/libpod-123.scope");
    expect(path("kubepods-burstable-pod1.slice:cri-containerd:c1", "c1")).toBe(
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-c1.scope",
    );
    expect(path(":lxcri:c1", "c1")).toBe("/system.slice/lxcri-c1.scope");
    expect(path("user.slice::c1", "c1")).toBe("/user.slice/c1.scope");
  });

  test("anything else is an error naming linux.cgroupsPath", () => {
    for (const bad of ["/a/b", "a:b", "bad/slice.slice:x:y", "a--b.slice:x:y", "system.slice:x:../y"])
      expect(() => path(bad, "c1")).toThrow("config.json: linux.cgroupsPath: ");
  });
});

describe("--systemd-cgroup: the transient scope", () => {
  test("unit and slice from slice:prefix:name; a .slice name is a path only", () => {
    expect(systemdScope("machine.slice:libpod:123", "123")).toEqual({ unit: "libpod-123.scope", slice: "machine.slice" });
    expect(systemdScope(":lxcri:", "c1")).toEqual({ unit: "lxcri-c1.scope", slice: "system.slice" });
    expect(systemdScope("kubepods.slice::kubepods-pod1.slice", "c1")).toBeUndefined();
  });

  test("limits become the properties runc's systemd driver sets, from the cgroup v2 values", () => {
    const settings = cgroupSettings(
      {
        memory: { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20 },
        pids: { limit: 100 },
        cpu: { shares: 1024, quota: 50_001, period: 100_000, cpus: "0-1,9", mems: "0" },
        blockIO: { weight: 500 },
        unified: { "memory.high": "max" },
      },
      "v2",
      () => {},
    );
    expect(Object.fromEntries(scopeProperties(settings, "v2").map(([k, v]) => [k, v]))).toEqual({
      MemoryMax: { sig: "t", value: 67108864n },
      MemoryLow: { sig: "t", value: 33554432n },
      MemorySwapMax: { sig: "t", value: 67108864n },
      MemoryHigh: { sig: "t", value: 2n ** 64n - 1n },
      TasksMax: { sig: "t", value: 100n },
      CPUWeight: { sig: "t", value: 39n },
      // 50.001 % of a CPU: systemd keeps whole percent, so up to 51 %
      CPUQuotaPerSecUSec: { sig: "t", value: 510_000n },
      CPUQuotaPeriodUSec: { sig: "t", value: 100_000n },
      AllowedCPUs: { sig: "ay", value: [0b11, 0b10] },
      AllowedMemoryNodes: { sig: "ay", value: [1] },
      IOWeight: { sig: "t", value: 4950n },
    });
    // no limit: infinity; a v1 host's files are not systemd's to set this way
    expect(
      scopeProperties(
        cgroupSettings({ pids: { limit: -1 } }, "v2", () => {}),
        "v2",
      ),
    ).toEqual([["TasksMax", { sig: "t", value: 2n ** 64n - 1n }]]);
    expect(
      scopeProperties(
        cgroupSettings({ pids: { limit: 5 } }, "v1", () => {}),
        "v1",
      ),
    ).toEqual([]);
  });
});
