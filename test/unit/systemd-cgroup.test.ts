import { describe, expect, test } from "bun:test";
import { systemdCgroupPath } from "../../src/lxc/systemd-cgroup.ts";
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
