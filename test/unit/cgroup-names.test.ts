// liblxc's cgroup names for a container, and when delete must walk the tree for them
// (src/cgroups/freezer.ts): only when liblxc had to pick "<name>-N".
import { expect, test } from "bun:test";
import { hasSuffixedName, isLxcCgroupName } from "../../src/cgroups/freezer.ts";

test("liblxc's names: lxc.payload.<id>, lxc.monitor.<id>, each possibly -N", () => {
  expect(isLxcCgroupName("lxc.payload.web", "web")).toBe(true);
  expect(isLxcCgroupName("lxc.monitor.web-2", "web")).toBe(true);
  expect(isLxcCgroupName("lxc.payload.web-x", "web")).toBe(false);
  expect(isLxcCgroupName("lxc.payload.webby", "web")).toBe(false);
});

test("a suffix counts only past the id: an id ending in -<digits> is not one", () => {
  const v1 = (name: string) => ["memory", "pids"].map((c) => `/sys/fs/cgroup/${c}/${name}`);
  expect(hasSuffixedName(v1("lxc.payload.bench-3"), "bench-3")).toBe(false);
  expect(hasSuffixedName([...v1("lxc.payload.web-1"), ...v1("lxc.monitor.web-1")], "web-1")).toBe(false);
  expect(hasSuffixedName(v1("lxc.payload.web-1-1"), "web-1")).toBe(true);
  expect(hasSuffixedName(v1("lxc.payload.web-1"), "web")).toBe(true);
  // a configured cgroupsPath is neither
  expect(hasSuffixedName(["/sys/fs/cgroup/memory/pods/c-7"], "c-7")).toBe(false);
});
