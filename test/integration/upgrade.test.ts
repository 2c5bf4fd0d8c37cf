// A container the previous lxcri created is run and cleaned up by this one:
// its record.json keeps the cgroup fields flat (cgroups as a list with the
// monitor's directories in it, cgroupInodes, cgroupParents, systemdUnit,
// systemdInvocation), which this version reads as its ContainerCgroups
// (src/cgroups/record.ts). Without LXCRI_OLD_LXCRI the record is written back
// in that form by the test; with it (an old build's lxcri) the old build
// creates the container itself.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot, waitFor } from "../helpers.ts";

const root = testRoot("upgrade");
const OLD = process.env.LXCRI_OLD_LXCRI;
const parent = `lxcri-upgrade-${process.pid}`;
const onSystemd = existsSync("/run/systemd/system") && existsSync("/sys/fs/cgroup/cgroup.controllers");
afterAll(() => {
  cleanupRoot(root);
  for (const h of ["/sys/fs/cgroup", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory"])
    rmSync(join(h, parent), { recursive: true, force: true });
});

/** The old build's CLI (output through files: the container inherits create's stdio). */
function oldLxcri(args: string[]): number {
  const dir = tempDir("old");
  const out = openSync(join(dir, "out"), "w");
  try {
    return Bun.spawnSync({ cmd: [OLD!, "--root", root, ...args], stdin: "ignore", stdout: out, stderr: out }).exitCode ?? 137;
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

type Flat = { cgroups: string[]; cgroupInodes?: Record<string, string>; cgroupParents?: string[]; systemdUnit?: string };

/** Creates `id` as the previous version would have left it (`global`: options before create); its record's flat cgroup fields. */
function createOld(id: string, b: string, global: string[] = []): Flat {
  const file = join(root, id, "record.json");
  if (OLD) expect(oldLxcri([...global, "create", "--bundle", b, id])).toBe(0);
  else {
    expect(lxcri(root, [...global, "create", "--bundle", b, id]).code).toBe(0);
    const { cgroups, ...rest } = JSON.parse(readFileSync(file, "utf8"));
    const flat = {
      ...rest,
      cgroups: [...cgroups.dirs, ...cgroups.monitorDirs],
      cgroupInodes: cgroups.inodes,
      cgroupParents: cgroups.parents,
      systemdUnit: cgroups.systemdUnit,
      systemdInvocation: cgroups.systemdInvocation,
    };
    writeFileSync(file, JSON.stringify(flat));
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  expect(Array.isArray(r.cgroups)).toBe(true);
  return r;
}

describe.skipIf(!canRunContainers)(`a container of the previous version${OLD ? ` (${OLD})` : ""}`, () => {
  test("runs, pauses, is updated and listed, then delete removes exactly its recorded cgroups and their parents", async () => {
    const b = bundle(["sleep", "60"], (s) => (s.linux!.cgroupsPath = `/${parent}/u1`));
    const flat = createOld("u1", b);
    expect(flat.cgroups.length).toBeGreaterThan(0);
    expect(flat.cgroupParents!.length).toBeGreaterThan(0);
    expect(lxcri(root, ["start", "u1"]).code).toBe(0);
    const init = state(root, "u1").pid;
    expect(JSON.parse(lxcri(root, ["ps", "--format", "json", "u1"]).stdout)).toContain(init);
    expect(lxcri(root, ["pause", "u1"]).code).toBe(0);
    expect(state(root, "u1").status).toBe("paused");
    expect(lxcri(root, ["resume", "u1"]).code).toBe(0);
    expect(state(root, "u1").status).toBe("running");
    expect(lxcri(root, ["update", "--pids-limit", "50", "u1"]).code).toBe(0);
    const pidsMax = flat.cgroups.map((d) => join(d, "pids.max")).find((f) => existsSync(f))!;
    expect(readFileSync(pidsMax, "utf8").trim()).toBe("50");
    expect(lxcri(root, ["delete", "--force", "u1"]).code).toBe(0);
    await waitFor(() => flat.cgroups.every((d) => !existsSync(d)), 5000, "the recorded cgroups to go");
    expect(flat.cgroupParents!.filter((d) => existsSync(d))).toEqual([]);
    expect(leftovers(root, "u1")).toEqual([]);
  });

  test("created, never started: delete removes it and its cgroups (the monitor's too)", () => {
    const flat = createOld("u2", bundle(["sleep", "60"]));
    expect(flat.cgroups.some((d) => d.includes("lxc.monitor.u2"))).toBe(true); // among the container's, as the old version kept it
    expect(lxcri(root, ["delete", "--force", "u2"]).code).toBe(0);
    expect(flat.cgroups.filter((d) => existsSync(d))).toEqual([]);
    expect(leftovers(root, "u2")).toEqual([]);
  });

  // where systemd runs (the VM job runs this file): the scope the old version started is stopped,
  // only that invocation; registered only there (a skipped test fails a run as root)
  (onSystemd ? test : () => {})(
    "--systemd-cgroup: delete stops the scope the old version started and removes its cgroup",
    () => {
      const id = `u3${process.pid}`;
      const unit = `lxcri-upgrade-${id}.scope`;
      const flat = createOld(
        id,
        bundle(["sleep", "60"], (s) => (s.linux!.cgroupsPath = "system.slice:lxcri-upgrade:")),
        ["--systemd-cgroup"],
      );
      expect(flat.systemdUnit).toBe(unit);
      expect(systemctl("is-active", unit)).toBe("active");
      expect(lxcri(root, ["update", "--pids-limit", "40", id]).code).toBe(0);
      expect(systemctl("show", unit, "--property=TasksMax")).toBe("TasksMax=40");
      expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
      expect(systemctl("is-active", unit)).not.toBe("active");
      expect(flat.cgroups.filter((d) => existsSync(d))).toEqual([]);
    },
    120_000,
  );
});

/** systemctl's answer, trimmed. */
function systemctl(...args: string[]): string {
  return Bun.spawnSync({ cmd: ["systemctl", ...args], stdout: "pipe", stderr: "ignore" })
    .stdout.toString()
    .trim();
}
