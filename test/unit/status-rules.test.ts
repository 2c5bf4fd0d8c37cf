// The status rules (src/contract/status-rules.ts): a container's status comes from what only the
// runtime writes — the record's pids with their start times and the `started` mark — never from
// what the container can change (its pid 1's argv), except for records an older lxcri wrote.
import { describe, expect, test } from "bun:test";
import type { ContainerRecord } from "../../src/contract/record.ts";
import { cgroupsProven, parseRecord, type Probe, stateFrom, statusFrom } from "../../src/contract/status-rules.ts";

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

describe("statusFrom asks the host", () => {
  /** A host where each pid runs the process that started at the given time. */
  const host = (running: Record<number, number>, asked: string[] = []): Probe => ({
    alive: (pid, start) => (asked.push(`alive ${pid} ${start}`), pid !== undefined && running[pid] === start),
    frozen: () => (asked.push("frozen"), false),
    cmdline: () => (asked.push("cmdline"), undefined),
  });

  test("with each pid's start time: a pid now held by another process means the container is gone", () => {
    const r = { ...base, monitorPid: 10, monitorStart: 100, initPid: 20, initStart: 200, channelInode: "9", started: "t" };
    expect(statusFrom(r, host({ 10: 100, 20: 200 }))).toBe("running");
    expect(statusFrom(r, host({ 10: 100, 20: 201 }))).toBe("stopped");
    expect(statusFrom({ ...r, initPid: undefined }, host({ 10: 101 }))).toBe("stopped");
    expect(statusFrom({ ...r, initPid: undefined }, host({ 10: 100 }))).toBe("creating");
  });

  test("lazily, in order: the monitor only before init; the freezer only for a live, started container", () => {
    const asked: string[] = [];
    const r = { ...base, monitorPid: 10, monitorStart: 100, initPid: 20, initStart: 200, channelInode: "9" };
    statusFrom({ ...r, started: "t" }, host({ 20: 200 }, asked));
    expect(asked).toEqual(["alive 20 200", "frozen"]);
    asked.length = 0;
    statusFrom(r, host({ 20: 200 }, asked));
    expect(asked).toEqual(["alive 20 200"]);
    asked.length = 0;
    statusFrom({ ...r, started: "t" }, host({}, asked));
    expect(asked).toEqual(["alive 20 200"]);
    asked.length = 0;
    statusFrom({ ...r, initPid: undefined }, host({}, asked));
    expect(asked).toEqual(["alive 10 100"]);
  });
});

describe("stateFrom", () => {
  const r = { ...base, id: "c", bundle: "/b", annotations: { a: "1" }, initPid: 20, initStart: 1 };
  test("the OCI state: init's pid while the container has a process, 0 before and after", () => {
    for (const status of ["created", "running", "paused"] as const)
      expect(stateFrom(r, status)).toEqual({ ociVersion: "1.0.2", id: "c", status, pid: 20, bundle: "/b", annotations: { a: "1" } });
    for (const status of ["creating", "stopped"] as const) expect(stateFrom(r, status)).toMatchObject({ status, pid: 0 });
  });
});

describe("parseRecord", () => {
  test("a record of this container, else an error naming the file", () => {
    const text = JSON.stringify(base);
    expect(parseRecord(text, "c", "/run/x/c/record.json")).toEqual(base);
    expect(() => parseRecord(text, "other", "/run/x/other/record.json")).toThrow(
      "/run/x/other/record.json: corrupt container record: fields missing",
    );
    expect(() => parseRecord(JSON.stringify({ ...base, bundle: 7 }), "c", "/f")).toThrow("/f: corrupt container record: fields missing");
    expect(() => parseRecord("{", "c", "/f")).toThrow("/f: corrupt container record: ");
    expect(() => parseRecord("null", "c", "/f")).toThrow("/f: corrupt container record: ");
  });
});

describe("cgroupsProven", () => {
  test("only once init is up (liblxc refuses a cgroup that exists, so then every recorded one is its)", () => {
    expect(cgroupsProven({ ...base, cgroups: { dirs: ["/sys/fs/cgroup/x"], monitorDirs: [] } })).toBe(false);
    expect(cgroupsProven({ ...base, cgroups: { dirs: ["/sys/fs/cgroup/x"], monitorDirs: [] }, initPid: 5 })).toBe(true);
  });
});
