// liblxc's cgroup names for a container (src/cgroups/record.ts): the plain ones and the
// "<name>-N" translation picks when a plain one is taken.
import { expect, test } from "bun:test";
import { isLxcCgroupName } from "../../src/cgroups/record.ts";

test("liblxc's names: lxc.payload.<id>, lxc.monitor.<id>, each possibly -N", () => {
  expect(isLxcCgroupName("lxc.payload.web", "web")).toBe(true);
  expect(isLxcCgroupName("lxc.monitor.web-2", "web")).toBe(true);
  expect(isLxcCgroupName("lxc.payload.web-x", "web")).toBe(false);
  expect(isLxcCgroupName("lxc.payload.webby", "web")).toBe(false);
});
