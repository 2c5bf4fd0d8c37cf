// Faults in the middle of a lifecycle: afterwards state tells the truth,
// delete --force succeeds, and nothing is left behind.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, LXCRI, lxcri, state, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("faults");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("faults (real containers)", () => {
  test("SIGKILL of the monitor takes the container down; state says stopped; delete cleans up", async () => {
    const b = bundle(["sleep", "30"]);
    const pidFile = join(b, "pid");
    expect(lxcri(root, ["create", "--bundle", b, "--pid-file", pidFile, "fm1"]).code).toBe(0);
    expect(lxcri(root, ["start", "fm1"]).code).toBe(0);
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    await waitFor(() => state(root, "fm1").status === "stopped", 5000, "stopped");
    expect(lxcri(root, ["delete", "fm1"]).code).toBe(0);
    expect(leftovers(root, "fm1")).toEqual([]);
  });

  test("SIGKILL of the container's init while created", async () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "fm2"]).code).toBe(0);
    process.kill(state(root, "fm2").pid, "SIGKILL");
    await waitFor(() => state(root, "fm2").status === "stopped", 5000, "stopped");
    const s = lxcri(root, ["start", "fm2"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("not created");
    expect(lxcri(root, ["delete", "fm2"]).code).toBe(0);
    expect(leftovers(root, "fm2")).toEqual([]);
  });

  test("SIGKILL of `start` while a startContainer hook runs: the container does not run half-started", async () => {
    const b = bundle(["sh", "-c", "echo ran > /dev/null"], (s) => {
      s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "sleep 0.5"] }] };
    });
    expect(lxcri(root, ["create", "--bundle", b, "fm3"]).code).toBe(0);
    const start = Bun.spawn({ cmd: [LXCRI, "--root", root, "start", "fm3"], stdio: ["ignore", "ignore", "ignore"] });
    await Bun.sleep(200);
    start.kill("SIGKILL");
    await start.exited;
    // The launcher finds nobody to report to and exits, or finishes the exec: either way, no limbo.
    await waitFor(() => ["stopped", "running"].includes(state(root, "fm3").status), 5000, "a settled state");
    expect(lxcri(root, ["delete", "--force", "fm3"]).code).toBe(0);
    expect(leftovers(root, "fm3")).toEqual([]);
  });

  test("a corrupted record is reported clearly, and delete --force still removes everything", async () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "fm4"]).code).toBe(0);
    const init = state(root, "fm4").pid;
    writeFileSync(join(root, "fm4", "record.json"), '{"id":"fm4","bund');
    const s = lxcri(root, ["state", "fm4"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("record.json: corrupt container record");
    const t0 = Date.now();
    expect(lxcri(root, ["delete", "--force", "fm4"]).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    const gone = () => {
      try {
        return readFileSync(`/proc/${init}/stat`, "utf8").includes(") Z");
      } catch {
        return true;
      }
    };
    await waitFor(gone, 2000, "the container's init to die");
    expect(leftovers(root, "fm4")).toEqual([]);
  });
});
