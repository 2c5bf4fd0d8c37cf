// runc's command-line forms lxcri parses with pure code: exec --cgroup's forms
// and update's memory sizes, as runc's source reads them (spec --rootless:
// test/unit/rootless.test.ts).
import { describe, expect, test } from "bun:test";
import { parseSubCgroups, subCgroupDirs } from "../../src/cgroups/sub-cgroups.ts";
import { ramInBytes } from "../../src/cli/commands/update.ts";

describe("exec --cgroup", () => {
  const v1 = [
    { dir: "/sys/fs/cgroup/cpu,cpuacct/lxc.payload.c", controllers: ["cpu", "cpuacct"] },
    { dir: "/sys/fs/cgroup/memory/lxc.payload.c", controllers: ["memory"] },
    { dir: "/sys/fs/cgroup/unified/lxc.payload.c", controllers: [] },
  ];
  const v2 = [{ dir: "/sys/fs/cgroup/lxc.payload.c", controllers: [] }];

  test("one path: every hierarchy's sub-cgroup", () => {
    expect(subCgroupDirs(v2, parseSubCgroups(["a/b"])!)).toEqual(["/sys/fs/cgroup/lxc.payload.c/a/b"]);
    expect(subCgroupDirs(v1, parseSubCgroups(["/x/"])!)).toEqual(v1.map((d) => `${d.dir}/x`));
    expect(subCgroupDirs(v2, parseSubCgroups(["/"])!)).toEqual(["/sys/fs/cgroup/lxc.payload.c"]);
  });

  test("controller:path per cgroup v1 hierarchy; the others keep their default", () => {
    expect(subCgroupDirs(v1, parseSubCgroups(["cpuacct:a", "memory:b"])!)).toEqual([`${v1[0]!.dir}/a`, `${v1[1]!.dir}/b`, undefined]);
    expect(subCgroupDirs(v1, parseSubCgroups(["cpu,memory:s"])!)).toEqual([`${v1[0]!.dir}/s`, `${v1[1]!.dir}/s`, undefined]);
  });

  test("refused: leaving the container's cgroup, unknown or repeated controllers, mixed forms, a controller on v2", () => {
    expect(() => parseSubCgroups(["../../other"])).toThrow(
      'invalid --cgroup argument: ../../other (a sub-cgroup of the container\'s: no "..")',
    );
    expect(() => parseSubCgroups(["cpu:a/../../b"])).toThrow('no ".."');
    expect(() => parseSubCgroups([":x"])).toThrow("empty <controller> prefix");
    expect(() => parseSubCgroups(["a", "b"])).toThrow("missing <controller>: prefix");
    expect(() => parseSubCgroups(["cpu:a", "cpu:b"])).toThrow("controller cpu specified multiple times");
    expect(() => subCgroupDirs(v1, parseSubCgroups(["blkio:a"])!)).toThrow("unknown controller blkio");
    expect(() => subCgroupDirs(v2, parseSubCgroups(["cpu:a"])!)).toThrow("cgroup v2: give the path without a controller");
    expect(parseSubCgroups([])).toBeUndefined();
  });
});

test("update's memory sizes: docker/go-units RAMInBytes (binary units), -1 unlimited", () => {
  expect(ramInBytes("100")).toBe(100);
  expect(ramInBytes("512m")).toBe(512 * 1024 ** 2);
  expect(ramInBytes("1.5k")).toBe(1536);
  expect(ramInBytes("2GiB")).toBe(2 * 1024 ** 3);
  expect(ramInBytes("1 g")).toBe(1024 ** 3);
  expect(ramInBytes("-1")).toBe(-1);
  expect(ramInBytes("lots")).toBeNaN();
  expect(ramInBytes("-2")).toBeNaN();
});
