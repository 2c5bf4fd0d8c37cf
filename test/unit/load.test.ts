// container/load.ts: the one table of which status each operation allows, and
// the one wording of a refusal that callers match ("container not running").
import { describe, expect, test } from "bun:test";
import { allow, type Container, refusal } from "../../src/container/load.ts";
import type { ContainerRecord } from "../../src/contract/record.ts";

/** A container whose record says it is stopped: no pids at all (the monitor never ran). */
const stopped: Container = {
  id: "c1",
  dir: "/nonexistent/c1",
  files: {} as Container["files"],
  record: { id: "c1", bundle: "/b", rootfs: "/b/rootfs", ociVersion: "1.2.0", annotations: {}, created: "" } satisfies ContainerRecord,
};

describe("load.ts", () => {
  test("a refusal has one wording, whichever operation asks", () => {
    expect(refusal("c1", "kill", "stopped").message).toBe(
      "cannot kill container c1: container not running: it is stopped, not created or running or paused",
    );
    expect(refusal("c1", "exec", "paused").message).toBe("cannot exec in container c1: it is paused, not created or running");
    expect(refusal("c1", "delete", "running").message).toBe(
      "cannot delete container c1: it is running, not creating or created or stopped (use --force)",
    );
    expect(refusal("c1", "start", "stopped").code).toBe("bad-state");
  });

  test("allow: kill, pause, exec refuse a stopped container; delete allows it; `also` widens", () => {
    expect(() => allow(stopped, "kill")).toThrow("cannot kill container c1: container not running: it is stopped");
    expect(() => allow(stopped, "pause")).toThrow("container not running");
    expect(allow(stopped, "delete")).toBe("stopped");
    expect(allow(stopped, "kill", ["stopped"])).toBe("stopped");
  });
});
