// Cgroup limits enforced on real containers: a memory limit that OOM-kills,
// a pids limit that stops a fork bomb, a device rule that denies.
import { afterAll, describe, expect, test } from "bun:test";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, testRoot } from "../helpers.ts";

const root = testRoot("limits");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("cgroup limits (real containers)", () => {
  test("a memory limit OOM-kills a process that goes past it", () => {
    // 16 MiB of memory and no swap; dd needs a 64 MiB buffer
    const b = bundle(["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"], (s) => {
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 16 << 20, swap: 16 << 20 } };
    });
    const r = lxcri(root, ["run", "--bundle", b, "oom1"]);
    expect(r.code).toBe(137); // SIGKILL from the OOM killer
    expect(leftovers(root, "oom1")).toEqual([]);
  });

  test("a pids limit stops a fork bomb", () => {
    const forks = Array.from({ length: 40 }, (_, i) => i).join(" ");
    const b = bundle(["sh", "-c", `for i in ${forks}; do sleep 5 & done; echo done`], (s) => {
      s.linux!.resources = { ...s.linux!.resources, pids: { limit: 10 } };
    });
    const r = lxcri(root, ["run", "--bundle", b, "pids1"]);
    // busybox sh gives up at the first fork the limit refuses
    expect(r.stderr).toContain("can't fork: Resource temporarily unavailable");
    expect(r.stdout).toBe("");
    expect(r.code).toBe(2);
    expect(leftovers(root, "pids1")).toEqual([]);
  });

  test("a device cgroup rule denies a device node the container has (c 4:1, not in the allow-list)", () => {
    const b = bundle(
      ["sh", "-c", "head -c 1 /dev/mytty >/dev/null 2>&1 && echo opened || echo denied; head -c 1 /dev/zero | wc -c"],
      (s) => {
        s.linux!.devices = [{ path: "/dev/mytty", type: "c", major: 4, minor: 1, fileMode: 0o666 }];
      },
    );
    const r = lxcri(root, ["run", "--bundle", b, "dev2"]);
    expect(r.stdout).toBe("denied\n1\n"); // deny-all first (runc's default spec), c 4:1 never allowed; /dev/zero allowed
    expect(leftovers(root, "dev2")).toEqual([]);
  });
});
