// A cgroup write the host refused at start is named by its linux.resources field (src/lxc/refused-limit.ts).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lxcErrors } from "../../src/host/lxc-log.ts";
import { fieldOfCgroupFile, refusedLimit } from "../../src/lxc/refused-limit.ts";

describe("refusedLimit", () => {
  const r = {
    cpu: { shares: 2, cpus: "63", quota: 1000 },
    memory: { limit: 1 << 20, swap: 1 << 19 },
    blockIO: {
      weightDevice: [
        { major: 8, minor: 0, weight: 100 },
        { major: 8, minor: 16, weight: 200 },
      ],
    },
    hugepageLimits: [{ pageSize: "2MB", limit: 4 << 20 }],
    unified: { "memory.high": "5" },
  };

  test.each([
    ["v1", "cpuset.cpus", "linux.resources.cpu.cpus"],
    ["v1", "cpu.cfs_quota_us", "linux.resources.cpu.quota"],
    ["v1", "memory.memsw.limit_in_bytes", "linux.resources.memory.swap"],
    ["v1", "blkio.weight_device", "linux.resources.blockIO.weightDevice[0]"],
    ["v1", "hugetlb.2MB.rsvd.limit_in_bytes", "linux.resources.hugepageLimits[0]"],
    ["v2", "cpu.max", "linux.resources.cpu.quota"],
    ["v2", "memory.high", 'linux.resources.unified["memory.high"]'],
    ["v2", "memory.swap.max", "linux.resources.memory.swap"], // swap alone does not translate on v2
    ["v2", "memory.max", "linux.resources.memory.limit"],
    ["v1", "pids.max", undefined],
  ] as const)("%s %s → %s", (layout, file, field) => {
    expect(fieldOfCgroupFile(r, layout, file)).toBe(field);
  });

  test("liblxc's line becomes the field's error; other failures are left alone", () => {
    const e = refusedLimit(
      'container failed to start (monitor exit status 255): Numerical result out of range - Failed to set "cpuset.cpus" to "63"; Failed to setup cgroup limits',
      r,
      "v1",
    );
    expect(e?.message).toBe('config.json: linux.resources.cpu.cpus: the host refused cpuset.cpus = "63": Numerical result out of range');
    expect(refusedLimit("container failed to start: something else", r, "v1")).toBeUndefined();
    expect(refusedLimit('Failed to set "devices.allow" to "a"', r, "v1")).toBeUndefined();
  });

  test("lxcErrors strips liblxc's prefix (name, time, priority, category, place)", () => {
    const log = join(mkdtempSync(join(tmpdir(), "lxclog-")), "log");
    writeFileSync(
      log,
      'lxc c1 20261207035955.136 ERROR    cgfsng - ../src/lxc/cgroups/cgfsng.c:cgfsng_setup_limits_legacy:3165 - Numerical result out of range - Failed to set "cpuset.cpus" to "63"\nlxc c1 20261207035955.137 INFO     start - x.c:f:1 - fine\n',
    );
    expect(lxcErrors(log)).toEqual(['Numerical result out of range - Failed to set "cpuset.cpus" to "63"']);
  });
});
