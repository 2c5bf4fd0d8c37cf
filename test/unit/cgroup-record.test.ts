// The record of a container's cgroups (src/cgroups/record.ts): a record.json the previous
// lxcri wrote (flat fields, the monitor's directories among the container's) is read as this
// version's, so a container it created is stopped and cleaned up exactly as it would have.
import { describe, expect, test } from "bun:test";
import { parseRecord } from "../../src/contract/status-rules.ts";

const parse = (r: object) => parseRecord(JSON.stringify({ id: "c1", bundle: "/b", ...r }), "c1", "record.json");

describe("record.json of the previous version", () => {
  test("flat cgroup fields become one ContainerCgroups; the monitor's told apart by liblxc's name", () => {
    const r = parse({
      cgroups: ["/sys/fs/cgroup/lxcri/c1", "/sys/fs/cgroup/lxc.monitor.c1-2"],
      cgroupInodes: { "/sys/fs/cgroup/lxcri/c1": "7", "/sys/fs/cgroup/lxc.monitor.c1-2": "8" },
      cgroupParents: ["/sys/fs/cgroup/lxcri"],
      systemdUnit: "lxcri-c1.scope",
      systemdInvocation: "ab".repeat(16),
      initPid: 5,
    });
    expect(r.cgroups).toEqual({
      dirs: ["/sys/fs/cgroup/lxcri/c1"],
      monitorDirs: ["/sys/fs/cgroup/lxc.monitor.c1-2"],
      inodes: { "/sys/fs/cgroup/lxcri/c1": "7", "/sys/fs/cgroup/lxc.monitor.c1-2": "8" },
      parents: ["/sys/fs/cgroup/lxcri"],
      systemdUnit: "lxcri-c1.scope",
      systemdInvocation: "ab".repeat(16),
    });
    // nothing flat is left to be written back
    expect(Object.keys(r).sort()).toEqual(["bundle", "cgroups", "id", "initPid"]);
  });

  test("rootless without a cgroup (an empty list) stays cgroupless; a record from before the plan names none", () => {
    expect(parse({ cgroups: [], cgroupParents: [] }).cgroups).toEqual({ dirs: [], monitorDirs: [], parents: [] });
    expect(parse({}).cgroups).toBeUndefined();
  });

  test("this version's record is read as written", () => {
    const cgroups = { dirs: ["/sys/fs/cgroup/lxc.payload.c1"], monitorDirs: [], inodes: {} };
    expect(parse({ cgroups }).cgroups).toEqual(cgroups);
  });
});
