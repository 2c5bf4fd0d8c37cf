// Issue 19: --preserve-fds now passes the caller's fds from 4 up, which Bun's
// start-up marks close-on-exec, so "inheritable" no longer tells the caller's
// fds from lxcri's own. The attack: a caller (or a caller's bug) leaves gaps
// in 3…N, hoping lxcri's own fds — its event loop's epoll and eventfd, the
// --log file it opens, a lock — land there and are handed to the container.
// The check (src/host/inherited-fds.ts) refuses at the first gap, which holds
// Bun's epoll, before any higher gap where lxcri's files could be; nothing of
// the container is made. runc would pass whatever sits at those numbers.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundle, canRunContainers, cleanupRoot, LXCRI, leftovers, tempDir, testRoot } from "../../helpers.ts";

const root = testRoot("attack-pfd-gap");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("a gap in --preserve-fds", () => {
  test("fds 3 and 5 passed, 3…7 asked, with --log: refused at fd 4 (Bun's epoll); no container, nothing of lxcri's reached one", () => {
    const d = tempDir("pfdgap");
    const b = bundle(["sh", "-c", "ls -l /proc/self/fd/ > /tmp/fds; sleep 5"], (s) => (s.root!.readonly = false));
    const f3 = openSync(join(d, "three"), "w");
    const f5 = openSync(join(d, "five"), "w");
    const err = openSync(join(d, "err"), "w");
    try {
      // Bun's spawn passes fd 4 and 6 closed when `null`: the gaps the caller leaves
      const p = Bun.spawnSync({
        cmd: [LXCRI, "--root", root, "--log", join(d, "log"), "create", "--preserve-fds", "5", "--bundle", b, "gap1"],
        stdio: ["ignore", "ignore", err, f3, null, f5] as never,
        timeout: 20_000,
      });
      expect(p.exitCode).toBe(1);
    } finally {
      for (const fd of [f3, f5, err]) closeSync(fd);
    }
    expect(readFileSync(join(d, "err"), "utf8")).toContain("fd 4 is to be passed to the container");
    expect(existsSync(join(b, "rootfs", "tmp", "fds"))).toBe(false);
    expect(leftovers(root, "gap1")).toEqual([]);
    rmSync(d, { recursive: true, force: true });
  });
});
