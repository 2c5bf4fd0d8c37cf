// Issue 19: a bind mount's own flags. podman's volumes (-v) are "rbind,nosuid,nodev", and a
// config may add "noexec": what the container finds in such a volume must not run, set ids
// or open devices. liblxc remounts a bind mount only when it is read-only, so on a read-write
// one "nosuid", "nodev", "noexec" and the atime flags did nothing (runc remounts with them);
// init now sets them with mount_setattr on the mount alone.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Mount } from "../../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../../helpers.ts";

const root = testRoot("attack-bind-flags");
const vol = tempDir("attack-bind-flags");
afterAll(() => {
  cleanupRoot(root);
  rmSync(vol, { recursive: true, force: true });
});

describe.skipIf(!canRunContainers)("attack: a read-write bind mount keeps its nosuid, nodev, noexec", () => {
  test("a program in a noexec volume does not run; a device node in a nodev one does not open; the flags are in mountinfo", () => {
    chmodSync(vol, 0o755);
    mkdirSync(join(vol, "bin"));
    copyFileSync(join(bundle(["true"]), "rootfs", "bin", "busybox"), join(vol, "bin", "busybox"));
    chmodSync(join(vol, "bin", "busybox"), 0o4755); // set-uid root, as a hostile host user could leave it
    expect(Bun.spawnSync(["mknod", join(vol, "zero"), "c", "1", "5"]).exitCode).toBe(0);
    const b = bundle(
      [
        "sh",
        "-c",
        "grep ' /v ' /proc/self/mountinfo | cut -d' ' -f6; /v/bin/busybox true 2>/dev/null && echo ran || echo refused; head -c1 /v/zero >/dev/null 2>&1 && echo opened || echo no-device",
      ],
      (s) => {
        s.mounts!.push({ destination: "/v", type: "bind", source: vol, options: ["rbind", "rw", "nosuid", "nodev", "noexec"] } as Mount);
      },
    );
    const r = lxcri(root, ["run", "--bundle", b, "bindflags"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("rw,nosuid,nodev,noexec,relatime\nrefused\nno-device\n");
    expect(leftovers(root, "bindflags")).toEqual([]);
  });
});
