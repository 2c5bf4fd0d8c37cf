// --systemd-cgroup on a host where systemd is PID 1 on pure cgroup v2 (run in
// the VM: scripts/vm-test.sh): create starts a transient scope unit around the
// container's cgroup, with Delegate=yes and the container's limits as the
// unit's properties; update changes them; delete stops the unit. podman with
// its systemd cgroup manager then finds the unit it looks for.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { bundle, cleanupRoot, lxcri, state, testRoot } from "../helpers.ts";
import { sh, show } from "./systemctl.ts";

const onSystemdV2 = existsSync("/run/systemd/system") && existsSync("/sys/fs/cgroup/cgroup.controllers");
if (!onSystemdV2 && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error("test/vm needs systemd as PID 1 on pure cgroup v2: run it with scripts/vm-test.sh");
const root = testRoot("vm-scope");
afterAll(() => cleanupRoot(root));

describe.skipIf(!onSystemdV2)("--systemd-cgroup under systemd", () => {
  test("create starts a scope systemctl shows, with the limits as properties; update sets them; delete stops it", () => {
    const id = `scope${process.pid}`;
    const unit = `lxcri-${id}.scope`;
    const b = bundle(["sleep", "600"], (s) => {
      s.linux!.cgroupsPath = "system.slice:lxcri:";
      s.linux!.resources = { memory: { limit: 64 << 20 }, pids: { limit: 50 }, cpu: { quota: 50_000, period: 100_000 } };
    });
    const created = lxcri(root, ["--systemd-cgroup", "create", "--bundle", b, id]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const cg = `/sys/fs/cgroup/system.slice/${unit}`;
    expect(show(unit, "ActiveState", "ControlGroup", "Delegate", "MemoryMax", "TasksMax", "CPUQuotaPerSecUSec")).toEqual({
      ActiveState: "active",
      ControlGroup: `/system.slice/${unit}`,
      Delegate: "yes",
      MemoryMax: String(64 << 20),
      TasksMax: "50",
      CPUQuotaPerSecUSec: "500ms",
    });
    // init is the scope's, and the cgroup files hold the container's limits (systemd wrote them too)
    const pid = state(root, id).pid;
    expect(readFileSync(`/proc/${pid}/cgroup`, "utf8")).toBe(`0::/system.slice/${unit}\n`);
    expect(readFileSync(`${cg}/memory.max`, "utf8").trim()).toBe(String(64 << 20));
    expect(readFileSync(`${cg}/pids.max`, "utf8").trim()).toBe("50");
    expect(readFileSync(`${cg}/cpu.max`, "utf8").trim()).toBe("50000 100000");
    expect(sh(["systemctl", "status", unit]).out).toContain(`${unit}`);

    expect(lxcri(root, ["start", id]).code).toBe(0);
    expect(lxcri(root, ["update", "--memory", String(128 << 20), "--pids-limit", "60", id]).code).toBe(0);
    expect(show(unit, "MemoryMax", "TasksMax")).toEqual({ MemoryMax: String(128 << 20), TasksMax: "60" });
    expect(readFileSync(`${cg}/memory.max`, "utf8").trim()).toBe(String(128 << 20));
    // a daemon-reload makes systemd write the unit's properties again: they are the container's
    expect(sh(["systemctl", "daemon-reload"]).code).toBe(0);
    expect(readFileSync(`${cg}/memory.max`, "utf8").trim()).toBe(String(128 << 20));

    expect(lxcri(root, ["kill", id, "KILL"]).code).toBe(0);
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    expect(sh(["systemctl", "status", unit]).code).toBe(4); // "could not be found"
    expect(existsSync(cg)).toBe(false);
  }, 120_000);

  test("without systemd's unit name (a .slice as the name) it is a cgroup path only", () => {
    const id = `slice${process.pid}`;
    const b = bundle(["sleep", "600"], (s) => {
      s.linux!.cgroupsPath = "system.slice::lxcri-test-pod.slice";
    });
    expect(lxcri(root, ["--systemd-cgroup", "create", "--bundle", b, id]).code).toBe(0);
    expect(readFileSync(`/proc/${state(root, id).pid}/cgroup`, "utf8")).toBe("0::/lxcri.slice/lxcri-test.slice/lxcri-test-pod.slice\n");
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
  }, 60_000);
});
