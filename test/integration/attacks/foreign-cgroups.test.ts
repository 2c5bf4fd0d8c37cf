// A failed create must touch no cgroup and no process it did not make. create
// used to clean up a container that failed before its record held the
// container's cgroup paths by looking cgroups up by their last name anywhere in
// the first levels of every hierarchy, SIGKILLing each match's processes and
// removing it: a config whose cgroupsPath ended in `sshd.service` or
// `session-1.scope` (any parent) and whose process could not be found killed that
// host service. Now the record names the exact directories before liblxc makes
// them, a directory that exists already is refused, and until init is up no
// process found in a recorded cgroup is killed.
//
// Each victim is a process of ours in a cgroup of ours that shares a name with
// what the container's config asks for. Runs on cgroup v1 here and on pure
// cgroup v2 in the VM job (scripts/test.sh).
//
// runc 1.1.5: a failed create removes only the cgroup path of its own config.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import { bundle, cleanupAttackRoot, removeScratch, runtime } from "./attack-helpers.ts";

const root = testRoot("attack-cgroups");
const tag = `lxcri-victim-${process.pid}`;
// The one hierarchy the victim lives in: a v1 host's pids controller, or the cgroup2 root.
const v2 = existsSync("/sys/fs/cgroup/cgroup.controllers");
const hierarchy = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/pids";
const victims: { proc: ReturnType<typeof Bun.spawn>; dirs: string[] }[] = [];

afterAll(() => {
  cleanupAttackRoot(root);
  for (const v of victims) {
    v.proc.kill("SIGKILL");
  }
  Bun.sleepSync(100);
  for (const v of victims) for (const d of [...v.dirs].reverse()) if (existsSync(d)) rmdirSync(d);
  removeScratch();
}, 60_000);

/** A `sleep` of ours in the cgroup `rel` (below the hierarchy's root), made with its parents. */
function victim(rel: string) {
  const parts = rel.split("/").filter(Boolean);
  const dirs = parts.map((_, i) => join(hierarchy, ...parts.slice(0, i + 1)));
  for (const d of dirs) if (!existsSync(d)) mkdirSync(d);
  const proc = Bun.spawn(["sleep", "600"], { stdio: ["ignore", "ignore", "ignore"] });
  writeFileSync(join(dirs.at(-1)!, "cgroup.procs"), String(proc.pid));
  const v = { proc, dirs, cgroup: dirs.at(-1)!, alive: () => proc.exitCode === null && proc.signalCode === null };
  victims.push(v);
  return v;
}

const inCgroup = (dir: string, pid: number) => readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").includes(String(pid));

describe.skipIf(!canRunContainers)("a failed create touches only what it made", () => {
  const lxcri = runtime(LXCRI, root);

  test("cgroupsPath with a leaf named like another parent's cgroup: that cgroup and its process stay", async () => {
    const v = victim(`${tag}-other/sshd.service`);
    const b = bundle(["/no/such/program"], (s) => {
      s.linux!.cgroupsPath = `/${tag}-mine/sshd.service`;
    });
    const r = lxcri(["create", "--bundle", b, "cousin"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("/no/such/program");
    await Bun.sleep(200);
    expect(v.alive()).toBe(true);
    expect(inCgroup(v.cgroup, v.proc.pid)).toBe(true);
    expect(existsSync(join(hierarchy, `${tag}-mine`))).toBe(false); // what it made is gone
  }, 60_000);

  test("cgroupsPath naming an existing cgroup: refused before anything runs, the cgroup and its process stay", async () => {
    const v = victim(`${tag}-taken/kubelet.service`);
    const b = bundle(["true"], (s) => {
      s.linux!.cgroupsPath = `/${tag}-taken/kubelet.service`;
    });
    const r = lxcri(["create", "--bundle", b, "taken"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("linux.cgroupsPath");
    expect(r.stderr).toContain("exists already");
    expect(existsSync(join(root, "taken"))).toBe(false);
    await Bun.sleep(200);
    expect(v.alive()).toBe(true);
    expect(inCgroup(v.cgroup, v.proc.pid)).toBe(true);
  }, 60_000);

  test("no cgroupsPath: another cgroup named lxc.payload.<id> below another parent stays", async () => {
    const v = victim(`${tag}-nested/lxc.payload.samename`);
    const b = bundle(["/no/such/program"]);
    const r = lxcri(["create", "--bundle", b, "samename"]);
    expect(r.code).toBe(1);
    await Bun.sleep(200);
    expect(v.alive()).toBe(true);
    expect(inCgroup(v.cgroup, v.proc.pid)).toBe(true);
  }, 60_000);
});
