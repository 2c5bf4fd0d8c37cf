// Sequential lifecycles, plain and with a hook of every type: nothing may
// accumulate — processes, cgroups, mounts, runtime directories, rootfs mount
// points, fds of a long-lived library user, host memory. CI runs a short
// soak; `bash scripts/soak.sh` the full one (500 + 100).
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Runtime } from "../../src/index.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

const PLAIN = Number(process.env.LXCRI_SOAK_PLAIN ?? 40);
const HOOKED = Number(process.env.LXCRI_SOAK_HOOKED ?? 15);
const root = testRoot("soak");
afterAll(() => cleanupRoot(root));

const mounts = () => readFileSync("/proc/self/mountinfo", "utf8").split("\n").length;
const memAvailableMB = () => Number(/MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))![1]) / 1024;
const fds = () => readdirSync("/proc/self/fd").length;
function lxcCgroups(prefix: string): number {
  let n = 0;
  for (const h of readdirSync("/sys/fs/cgroup")) {
    try {
      n += readdirSync(join("/sys/fs/cgroup", h)).filter(
        (d) => d.startsWith(`lxc.payload.${prefix}`) || d.startsWith(`lxc.monitor.${prefix}`),
      ).length;
    } catch {
      /* not a directory */
    }
  }
  n += readdirSync("/sys/fs/cgroup").filter((d) => d.includes(`.${prefix}`)).length;
  return n;
}

describe.skipIf(!canRunContainers)("soak (real containers)", () => {
  test(`${PLAIN} lifecycles through the CLI, then ${HOOKED} with a hook of every type: nothing accumulates`, () => {
    const trivial = { path: "/bin/true", args: ["true"] };
    const plain = bundle(["true"]);
    const hooked = bundle(["true"], (s) => {
      s.hooks = {
        prestart: [trivial],
        createRuntime: [trivial],
        createContainer: [trivial],
        startContainer: [trivial],
        poststart: [trivial],
        poststop: [trivial],
      };
    });
    const before = { mounts: mounts(), mem: memAvailableMB(), rootfs: readdirSync(join(plain, "rootfs")).sort() };
    const run = (b: string, id: string) => {
      const r = lxcri(root, ["run", "--bundle", b, id]);
      expect({ id, code: r.code, stderr: r.stderr }).toEqual({ id, code: 0, stderr: "" });
    };
    for (let i = 0; i < PLAIN; i++) run(plain, `soak${i}`);
    for (let i = 0; i < HOOKED; i++) run(hooked, `soakh${i}`);
    expect(readdirSync(root)).toEqual([]);
    expect(lxcCgroups("soak")).toBe(0);
    expect(mounts()).toBe(before.mounts);
    expect(readdirSync(join(plain, "rootfs")).sort()).toEqual(before.rootfs);
    expect(leftovers(root, "soak0")).toEqual([]);
    // Page cache comes and goes; a leak of processes or tmpfs would show as far more.
    expect(before.mem - memAvailableMB()).toBeLessThan(256);
  }, 600_000);

  test("a long-lived library user: no fds or cgroups accumulate over many runs", async () => {
    const rt = new Runtime({ root: tempDir("soak-lib") });
    const b = bundle(["true"]);
    for (let i = 0; i < 3; i++) expect(await rt.run(`warm${i}`, { bundle: b })).toBe(0); // liblxc, cc() and Bun warm up
    const before = fds();
    for (let i = 0; i < Math.max(10, Math.floor(PLAIN / 2)); i++) expect(await rt.run(`lib${i}`, { bundle: b })).toBe(0);
    expect(fds()).toBeLessThanOrEqual(before); // Bun may close some of its own lazily; a leak would add
    expect(lxcCgroups("lib")).toBe(0);
  }, 600_000);
});
