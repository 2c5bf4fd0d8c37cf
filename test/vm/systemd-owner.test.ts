// --systemd-cgroup acts only on the systemd unit create started (run in the
// VM: scripts/vm-test.sh). cgroupsPath "system.slice:victim:x" names the unit
// victim-x.scope; one of that name already running in another slice leaves
// the cgroup path free, so the container's init starts and only systemd
// refuses the unit ("already loaded"): cleanup must not then stop the other
// unit by its name, which would kill its processes. A unit is the container's
// only once systemd reports its start job done, and delete stops it only while
// it is still that invocation (its InvocationID, recorded at create).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, testRoot, waitFor } from "../helpers.ts";
import { show } from "./systemctl.ts";

const onSystemdV2 = canRunContainers && existsSync("/run/systemd/system") && existsSync("/sys/fs/cgroup/cgroup.controllers");
if (!onSystemdV2 && process.env.LXCRI_REQUIRE_VM_TESTS === "1")
  throw new Error("test/vm needs systemd as PID 1 on pure cgroup v2: run it with scripts/vm-test.sh");
const root = testRoot("vm-owner");
const others: { unit: string; proc: ReturnType<typeof Bun.spawn> }[] = [];
afterAll(() => {
  cleanupRoot(root);
  for (const o of others) {
    Bun.spawnSync(["systemctl", "stop", o.unit]);
    o.proc.kill("SIGKILL");
  }
});

/** Someone else's unit: a transient scope `unit` in `slice` around a sleep; its pid and the unit's invocation id. */
async function othersScope(unit: string, slice: string): Promise<{ pid: number; invocation: string }> {
  const proc = Bun.spawn(["systemd-run", "--quiet", "--scope", `--unit=${unit}`, `--slice=${slice}`, "sleep", "1000"], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
  });
  others.push({ unit, proc });
  await waitFor(() => show(unit, "ActiveState").ActiveState === "active", 30_000, `${unit} active`);
  const sleeping = () =>
    readFileSync(`/sys/fs/cgroup/${slice}/${unit}/cgroup.procs`, "utf8")
      .split("\n")
      .filter(Boolean)
      .map(Number)
      .find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, "utf8") === "sleep\n";
        } catch {
          return false; // gone meanwhile
        }
      });
  await waitFor(() => sleeping() !== undefined, 10_000, `the sleep in ${unit}`);
  return { pid: sleeping()!, invocation: show(unit, "InvocationID").InvocationID! };
}

/** The process runs (not a zombie: Bun may not have reaped it yet) in the cgroup it started in. */
function runsIn(pid: number, cgroup: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z" && readFileSync(`/proc/${pid}/cgroup`, "utf8") === `0::${cgroup}\n`;
  } catch {
    return false;
  }
}

describe.skipIf(!onSystemdV2)("--systemd-cgroup: only the unit create started is the container's", () => {
  test("a unit of the scope's name in another slice: create fails naming it, and that unit and its process live on", async () => {
    const name = `x${process.pid}`;
    const unit = `victim-${name}.scope`;
    const victim = await othersScope(unit, "other.slice");
    const id = `victim${process.pid}`;
    const b = bundle(["sleep", "600"], (s) => {
      s.linux!.cgroupsPath = `system.slice:victim:${name}`;
    });
    const created = lxcri(root, ["--systemd-cgroup", "create", "--bundle", b, id]);
    // the victim: still the same invocation, active, its process alive where it was
    await Bun.sleep(500);
    expect(show(unit, "ActiveState", "ControlGroup", "InvocationID")).toEqual({
      ActiveState: "active",
      ControlGroup: `/other.slice/${unit}`,
      InvocationID: victim.invocation,
    });
    expect(runsIn(victim.pid, `/other.slice/${unit}`)).toBe(true);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain(`systemd unit ${unit} exists already`);
    // and nothing of the container is left (its own cgroup of that name included)
    expect(leftovers(root, id)).toEqual([]);
    expect(existsSync(`/sys/fs/cgroup/system.slice/${unit}`)).toBe(false);
  }, 120_000);

  // In system.slice the other unit's cgroup has the very path the record names: delete must also
  // leave its processes and its cgroup alone (the record's cgroup inodes, src/cgroups/paths.ts sameCgroups).
  test.each(["other.slice", "system.slice"])(
    "delete leaves a unit of the recorded name that systemd started after ours ended (another invocation, in %s) alone",
    async (slice) => {
      const id = `owner${slice[0]}${process.pid}`;
      const unit = `owner-${id}.scope`;
      const b = bundle(["sleep", "600"], (s) => {
        s.linux!.cgroupsPath = "system.slice:owner:";
      });
      const created = lxcri(root, ["--systemd-cgroup", "create", "--bundle", b, id]);
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      const ours = show(unit, "ActiveState", "InvocationID");
      expect(ours.ActiveState).toBe("active");
      // the container's process ends, so systemd stops its scope; someone then starts another of that name
      expect(lxcri(root, ["kill", id, "KILL"]).code).toBe(0);
      await waitFor(() => state(root, id).status === "stopped", 30_000, "the container stopped");
      await waitFor(() => show(unit, "ActiveState").ActiveState !== "active", 30_000, `${unit} stopped by systemd`);
      const other = await othersScope(unit, slice);
      expect(other.invocation).not.toBe(ours.InvocationID);

      const deleted = lxcri(root, ["delete", "--force", id]);
      await Bun.sleep(500);
      expect(show(unit, "ActiveState", "InvocationID")).toEqual({ ActiveState: "active", InvocationID: other.invocation });
      expect(runsIn(other.pid, `/${slice}/${unit}`)).toBe(true);
      expect(deleted.code).toBe(0);
      expect(deleted.stderr).toContain(`systemd unit ${unit} is not this container's`);
      expect(leftovers(root, id)).toEqual([]);
    },
    120_000,
  );
});
