// The census every container test ends with (test/helpers.ts leftovers) finds
// what it says a container can leave: its runtime directory, cgroups by
// liblxc's names (and only those of this id), a process naming the state root
// and the id. A census that finds nothing would let every leak pass.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, isContainerCgroup, leftovers, settle, testRoot } from "../helpers.ts";

const root = testRoot("census");
const id = `census-${process.pid}`;
const made: string[] = [];
afterAll(() => {
  for (const d of made.reverse()) rmdirSync(d);
  rmSync(root, { recursive: true, force: true });
});

describe("isContainerCgroup", () => {
  test("liblxc's payload and monitor names, with -<n> when the plain one was taken; nothing else", () => {
    for (const name of ["lxc.payload.web", "lxc.monitor.web", "lxc.payload.web-2", "lxc.monitor.web-10"])
      expect({ name, is: isContainerCgroup(name, "web") }).toEqual({ name, is: true });
    for (const name of [
      "lxc.payload.webby",
      "lxc.payload.web-x",
      "lxc.payload.web-",
      "lxc.pids.web",
      "web",
      "lxc.payload.we",
      "xlxc.payload.web",
    ])
      expect({ name, is: isContainerCgroup(name, "web") }).toEqual({ name, is: false });
    expect(isContainerCgroup("lxc.payload.a.b", "a.b")).toBe(true);
    expect(isContainerCgroup("lxc.payload.aXb", "a.b")).toBe(false);
  });
});

describe.skipIf(!canRunContainers)("leftovers", () => {
  test("nothing of a container that never was", () => {
    expect(leftovers(root, id)).toEqual([]);
  });

  test("finds a runtime directory, cgroups of this id (not of a longer one), a mount and a process", async () => {
    const rootfs = join(root, id, "rootfs");
    mkdirSync(rootfs, { recursive: true });
    expect(Bun.spawnSync(["mount", "-t", "tmpfs", "census", rootfs]).exitCode).toBe(0);
    const hierarchy = "/sys/fs/cgroup/pids";
    const base = (await Bun.file(join(hierarchy, "cgroup.procs")).exists()) ? hierarchy : "/sys/fs/cgroup";
    for (const name of [`lxc.payload.${id}`, `lxc.monitor.${id}-2`, `lxc.payload.${id}0`]) {
      mkdirSync(join(base, name));
      made.push(join(base, name));
    }
    // `read` is a builtin: sh makes no child, whose argv would name the container too until it exec'd
    // (a second "process" line, when the look came between the fork and the exec: seen in CI)
    const p = Bun.spawn(["sh", "-c", "read x", "--root", root, id], { stdin: "pipe" });
    try {
      expect(await settle(() => leftovers(root, id).some((l) => l.startsWith("process")), 2000)).toBe(true);
      expect(leftovers(root, id).sort()).toEqual(
        [
          `runtime dir ${join(root, id)}`,
          "a mount naming the container",
          `cgroup ${join(base, `lxc.payload.${id}`)}`,
          `cgroup ${join(base, `lxc.monitor.${id}-2`)}`,
          `process ${p.pid}: sh -c read x --root ${root} ${id} `,
        ].sort(),
      );
    } finally {
      Bun.spawnSync(["umount", rootfs]);
      p.kill("SIGKILL");
      await p.exited;
    }
  });
});
