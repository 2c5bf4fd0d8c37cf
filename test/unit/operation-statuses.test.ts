// What each operation on an existing container allows (src/container/load.ts):
// the OCI runtime spec's rules, with runc's where the spec leaves room, and
// the one wording a refusal has ("container not running" for a stopped one,
// "(use --force)" for delete), which callers such as containerd match.
import { describe, expect, test } from "bun:test";
import { ALLOWED, type Container, type Operation, allow } from "../../src/container/load.ts";
import type { ContainerRecord } from "../../src/contract/record.ts";
import type { LxcriError } from "../../src/errors.ts";
import { procStat } from "../../src/host/proc.ts";
import type { Status } from "../../src/spec/types.ts";

const STATUSES: Status[] = ["creating", "created", "running", "paused", "stopped"];

/** One operation's row: the statuses it runs in, and why. */
const row = (op: Operation, allowed: Status[], why: string) => [op, allowed, why] as const;

const SPEC = [
  row("start", ["created"], "OCI: start on a container that is not created is an error"),
  row("kill", ["created", "running", "paused"], "OCI: created or running; a paused one too, so that it can be stopped"),
  row("exec", ["created", "running"], "a paused one only when asked (--ignore-paused, as `also`)"),
  row("pause", ["running"], "only what it changes"),
  row("resume", ["paused"], "only what it changes"),
  row("update", ["created", "running", "paused"], "any container with processes"),
  row("delete", ["creating", "created", "stopped"], "OCI: stopped; runc and containerd delete a created one; a failed create is deletable"),
  row("checkpoint", ["running"], "only what it changes"),
];

describe("the statuses each operation allows", () => {
  test("every operation has a row, and only those", () => {
    expect(Object.keys(ALLOWED).sort()).toEqual(SPEC.map(([op]) => op).sort());
  });

  for (const [op, allowed, why] of SPEC)
    test(`${op}: ${allowed.join(", ")} (${why})`, () => {
      for (const status of STATUSES)
        expect({ status, allowed: ALLOWED[op].includes(status) }).toEqual({ status, allowed: allowed.includes(status) });
    });
});

describe("allow", () => {
  // Records whose status the host gives for real: this test's own process stands for init or the monitor.
  const self = { pid: process.pid, start: procStat(process.pid)!.startTime };
  const base: ContainerRecord = { id: "c1", bundle: "/b", rootfs: "/r", ociVersion: "1.0.2", annotations: {}, created: "" };
  const records: Partial<Record<Status, ContainerRecord>> = {
    creating: { ...base, monitorPid: self.pid, monitorStart: self.start },
    created: { ...base, initPid: self.pid, initStart: self.start, channelInode: "1" },
    running: { ...base, initPid: self.pid, initStart: self.start, channelInode: "1", started: "t" },
    stopped: { ...base, initPid: self.pid, initStart: self.start + 1, channelInode: "1", started: "t" },
  };
  const container = (record: ContainerRecord): Container => ({ id: record.id, dir: "/nonexistent", files: {} as never, record });

  test("gives the status when the operation allows it, refuses it with one wording otherwise", () => {
    for (const [status, record] of Object.entries(records) as [Status, ContainerRecord][])
      for (const [op, allowed] of SPEC) {
        const c = container(record);
        if (allowed.includes(status)) expect({ op, status, got: allow(c, op) }).toEqual({ op, status, got: status });
        else
          expect(() => allow(c, op)).toThrow(
            `container c1: ${status === "stopped" || op === "kill" ? "container not running: " : ""}it is ${status}, not `,
          );
      }
  });

  test("the refusal names the operation, the status and what was allowed; delete points at --force", () => {
    expect(() => allow(container(records.stopped!), "start")).toThrow(
      "cannot start container c1: container not running: it is stopped, not created",
    );
    expect(() => allow(container(records.running!), "exec")).not.toThrow();
    expect(() => allow(container(records.created!), "pause")).toThrow("cannot pause container c1: it is created, not running");
    expect(() => allow(container(records.running!), "delete")).toThrow(
      "cannot delete container c1: it is running, not creating or created or stopped (use --force)",
    );
    const refused = (() => {
      try {
        allow(container(records.stopped!), "kill");
      } catch (e) {
        return e as LxcriError;
      }
    })();
    expect(refused?.code).toBe("bad-state");
  });

  test("`also` allows more (delete --force, exec --ignore-paused): added to the row, in the wording too", () => {
    expect(allow(container(records.running!), "delete", ["running", "paused"])).toBe("running");
    expect(() => allow(container(records.running!), "start", ["stopped"])).toThrow("it is running, not created or stopped");
  });
});
