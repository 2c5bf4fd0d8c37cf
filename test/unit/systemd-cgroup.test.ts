import { describe, expect, test } from "bun:test";
import { systemdCgroupPath } from "../../src/lxc/systemd-cgroup.ts";

describe("--systemd-cgroup cgroupsPath (slice:prefix:name) → cgroupfs path", () => {
  test("as systemd lays out slices and scopes", () => {
    expect(systemdCgroupPath("system.slice:crio:abc", "abc")).toBe("/system.slice/crio-abc.scope");
    expect(systemdCgroupPath("machine.slice:libpod:123", "123")).toBe("/machine.slice/libpod-123.scope");
    expect(systemdCgroupPath("kubepods-burstable-pod1.slice:cri-containerd:c1", "c1")).toBe(
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-c1.scope",
    );
    expect(systemdCgroupPath(":lxcri:c1", "c1")).toBe("/system.slice/lxcri-c1.scope");
    expect(systemdCgroupPath("user.slice::c1", "c1")).toBe("/user.slice/c1.scope");
  });

  test("anything else is an error naming linux.cgroupsPath", () => {
    for (const bad of ["/a/b", "a:b", "bad/slice.slice:x:y", "a--b.slice:x:y", "system.slice:x:../y"])
      expect(() => systemdCgroupPath(bad, "c1")).toThrow("linux.cgroupsPath");
  });
});
