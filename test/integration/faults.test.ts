// Faults in the middle of a lifecycle: afterwards state tells the truth,
// delete --force succeeds, and nothing is left behind.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, LXCRI, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

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
    // init finds nobody to report to and exits, or finishes the exec: either way, no limbo.
    await waitFor(() => ["stopped", "running"].includes(state(root, "fm3").status), 15_000, "a settled state");
    expect(lxcri(root, ["delete", "--force", "fm3"]).code).toBe(0);
    expect(leftovers(root, "fm3")).toEqual([]);
  });

  test("SIGKILL of `start` before it opens the FIFO: still created, and a second start works", async () => {
    const b = bundle(["sh", "-c", "exit 0"]);
    expect(lxcri(root, ["create", "--bundle", b, "fm5"]).code).toBe(0);
    for (const ms of [0, 2, 4]) {
      const start = Bun.spawn({ cmd: [LXCRI, "--root", root, "start", "fm5"], stdio: ["ignore", "ignore", "ignore"] });
      await Bun.sleep(ms);
      start.kill("SIGKILL");
      await start.exited;
      if (state(root, "fm5").status !== "created") break; // it got through: fine too
    }
    const status = state(root, "fm5").status;
    if (status === "created") expect(lxcri(root, ["start", "fm5"]).code).toBe(0);
    expect(lxcri(root, ["delete", "--force", "fm5"]).code).toBe(0);
    expect(leftovers(root, "fm5")).toEqual([]);
  });

  test("a corrupted record is reported clearly; delete --force removes the runtime directory and touches nothing the record no longer names", async () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "fm4"]).code).toBe(0);
    const init = state(root, "fm4").pid;
    type Cgroups = { dirs: string[]; monitorDirs: string[] };
    const recorded = (JSON.parse(readFileSync(join(root, "fm4", "record.json"), "utf8")) as { cgroups: Cgroups }).cgroups;
    const cgroups = [...recorded.dirs, ...recorded.monitorDirs];
    writeFileSync(join(root, "fm4", "record.json"), '{"id":"fm4","bund');
    const s = lxcri(root, ["state", "fm4"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("record.json: corrupt container record");
    // Nothing is looked up by name (issue 18): with the record gone, delete --force says what it
    // leaves, removes the runtime directory and succeeds; the processes are the operator's now.
    const d = lxcri(root, ["delete", "--force", "fm4"]);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain("its processes and cgroups, if any, are left as they are");
    expect(existsSync(join(root, "fm4"))).toBe(false);
    expect(readFileSync(`/proc/${init}/stat`, "utf8")).not.toContain(") Z");
    // the test's own clean-up, with what it read before the record was corrupted
    process.kill(init, "SIGKILL");
    await waitFor(
      () => {
        try {
          return readFileSync(`/proc/${init}/stat`, "utf8").includes(") Z");
        } catch {
          return true;
        }
      },
      2000,
      "the container's init to die",
    );
    // a dead init stays in its cgroups until its new parent reaps it
    const removed = () => {
      for (const c of cgroups)
        try {
          if (existsSync(c)) rmdirSync(c);
        } catch {
          /* busy a little longer */
        }
      return cgroups.every((c) => !existsSync(c));
    };
    await waitFor(removed, 5000, "the container's cgroups to be removable");
    expect(leftovers(root, "fm4")).toEqual([]);
  });
});

describe.skipIf(!canRunContainers)("create killed at each phase (real containers)", () => {
  test("SIGKILL of create after 0–80 ms: state and list tell the truth, delete --force leaves nothing", async () => {
    const b = bundle(["sleep", "30"]);
    for (const ms of [0, 5, 10, 15, 20, 30, 40, 60, 80]) {
      const id = `ck${ms}`;
      const create = Bun.spawn({ cmd: [LXCRI, "--root", root, "create", "--bundle", b, id], stdio: ["ignore", "ignore", "ignore"] });
      await Bun.sleep(ms);
      create.kill("SIGKILL");
      await create.exited;
      const st = lxcri(root, ["state", id]);
      if (st.code === 0) expect(["creating", "created", "stopped"]).toContain(JSON.parse(st.stdout).status);
      else expect(st.stderr).toMatch(/does not exist|corrupt container record/);
      expect({ ms, code: lxcri(root, ["delete", "--force", id]).code }).toEqual({ ms, code: 0 });
      expect({ ms, left: leftovers(root, id) }).toEqual({ ms, left: [] });
      expect({ ms, rootfs: readdirSync(join(b, "rootfs")).includes(".lxcri") }).toEqual({ ms, rootfs: false });
    }
  }, 120_000);

  test("SIGKILL of delete midway: a second delete --force finishes the job", async () => {
    const b = bundle(["sleep", "30"]);
    for (const ms of [0, 3, 6, 10]) {
      const id = `dk${ms}`;
      expect(lxcri(root, ["create", "--bundle", b, id]).code).toBe(0);
      expect(lxcri(root, ["start", id]).code).toBe(0);
      const del = Bun.spawn({ cmd: [LXCRI, "--root", root, "delete", "--force", id], stdio: ["ignore", "ignore", "ignore"] });
      await Bun.sleep(ms);
      del.kill("SIGKILL");
      await del.exited;
      expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
      expect({ ms, left: leftovers(root, id) }).toEqual({ ms, left: [] });
    }
  }, 60_000);

  test("--root on a full filesystem: create fails clearly and leaves nothing", () => {
    const small = tempDir("fullroot");
    expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", small]).exitCode).toBe(0);
    try {
      const fill = Bun.spawnSync(["sh", "-c", `head -c 20000 /dev/zero > ${small}/filler`]);
      void fill;
      const b = bundle(["true"]);
      const r = lxcri(join(small, "root"), ["create", "--bundle", b, "full1"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^lxcri: (cannot create container full1: writing the runtime directory .*: )?ENOSPC: no space left on device/,
      );
      expect(readdirSync(small).filter((f) => f !== "filler")).toEqual(existsSync(join(small, "root")) ? ["root"] : []);
      if (existsSync(join(small, "root"))) expect(readdirSync(join(small, "root"))).toEqual([]);
      expect(leftovers(join(small, "root"), "full1")).toEqual([]);
    } finally {
      Bun.spawnSync(["umount", small]);
    }
  });
});
