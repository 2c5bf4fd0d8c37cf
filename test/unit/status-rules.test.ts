// The status rules (src/contract/status-rules.ts): a container's status comes from what only the
// runtime writes — the record's pids with their start times and the `started` mark — never from
// what the container can change (its pid 1's argv), except for records an older lxcri wrote.
import { describe, expect, test } from "bun:test";
import type { ContainerRecord } from "../../src/contract/record.ts";
import { cgroupsProven, type Probe, statusFrom } from "../../src/contract/status-rules.ts";

const base: ContainerRecord = { id: "c", bundle: "/b", rootfs: "/r", ociVersion: "1.0.2", annotations: {}, created: "" };
const INIT_ARGV = ["/proc/self/fd/5", "init", "7"];

function probe(o: { alive?: number[]; frozen?: boolean; argv?: string[] } = {}): Probe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    alive: (pid) => (asked.push(`alive ${pid}`), pid !== undefined && (o.alive ?? []).includes(pid)),
    frozen: () => (asked.push("frozen"), o.frozen ?? false),
    cmdline: () => (asked.push("cmdline"), o.argv),
  };
}

describe("statusFrom", () => {
  test("before init: creating while the monitor lives, else stopped", () => {
    expect(statusFrom({ ...base, monitorPid: 10, monitorStart: 1 }, probe({ alive: [10] }))).toBe("creating");
    expect(statusFrom({ ...base, monitorPid: 10, monitorStart: 1 }, probe())).toBe("stopped");
  });

  test("init gone: stopped, whatever the mark says", () => {
    expect(statusFrom({ ...base, initPid: 20, initStart: 1, channelInode: "9", started: "t" }, probe())).toBe("stopped");
  });

  test("created until start marks it, and pid 1's argv is never asked", () => {
    const p = probe({ alive: [20], argv: ["sh"] });
    expect(statusFrom({ ...base, initPid: 20, initStart: 1, channelInode: "9" }, p)).toBe("created");
    expect(p.asked).not.toContain("cmdline");
  });

  test("started: running or paused, even when pid 1 looks exactly like lxcri's init", () => {
    const r = { ...base, initPid: 20, initStart: 1, channelInode: "9", started: "t" };
    const p = probe({ alive: [20], argv: INIT_ARGV });
    expect(statusFrom(r, p)).toBe("running");
    expect(p.asked).not.toContain("cmdline");
    expect(statusFrom(r, probe({ alive: [20], frozen: true }))).toBe("paused");
  });

  test("a record of an older lxcri (no channelInode): the status that version gave, from init's argv", () => {
    const r = { ...base, initPid: 20, initStart: 1 };
    expect(statusFrom(r, probe({ alive: [20], argv: INIT_ARGV }))).toBe("created");
    expect(statusFrom(r, probe({ alive: [20], argv: ["nginx"] }))).toBe("running");
  });
});

describe("cgroupsProven", () => {
  test("only once init is up (liblxc refuses a cgroup that exists, so then every recorded one is its)", () => {
    expect(cgroupsProven({ ...base, cgroups: { dirs: ["/sys/fs/cgroup/x"], monitorDirs: [] } })).toBe(false);
    expect(cgroupsProven({ ...base, cgroups: { dirs: ["/sys/fs/cgroup/x"], monitorDirs: [] }, initPid: 5 })).toBe(true);
  });
});
