// Filesystems liblxc 5.0 would mount as something else (a filesystem option without "=";
// src/lxc/staged-mounts.ts), which lxcri-init mounts at lxc.hook.pre-mount on a private stage
// and liblxc binds: on real containers, with and without a user namespace, what the container
// and the host see of the stage (nothing), and a filesystem that refuses its options failing
// create naming the mount and leaving nothing. Beside runc: parity-mounts.test.ts; with
// SELinux labels (a category set): test/vm-selinux/selinux.test.ts.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

// the runtime root on a shared mount (as "/" is under systemd), so that a stage mount that
// propagated out of the container's namespace would show in the host's mountinfo
const host = testRoot("staged-host");
const root = join(host, "root");
if (canRunContainers) {
  mkdirSync(host, { recursive: true });
  for (const cmd of [
    ["mount", "-t", "tmpfs", "-o", "size=8m", "staged", host],
    ["mount", "--make-shared", host],
  ])
    expect(Bun.spawnSync(cmd).exitCode).toBe(0);
}
afterAll(() => {
  if (!canRunContainers) return;
  cleanupRoot(root);
  Bun.spawnSync(["umount", "-l", host]);
  rmSync(host, { recursive: true, force: true });
});

const MAPPED = 100000;
const stage = join(root, ".stage");
/** The container's mountinfo lines (mount point, then the filesystem: type, source, options) of its /t mounts. */
const script =
  "grep -E ' /t(/under)? ' /proc/self/mountinfo | sed 's/^[^/]*[^ ]* \\([^ ]*\\) .* - /\\1 /'; grep -c stage /proc/self/mountinfo || :";

function staged(edit?: (s: Spec) => void): string {
  const b = bundle(["sh", "-c", script], (s) => {
    s.process!.terminal = false;
    s.mounts!.push(
      { destination: "/t", type: "tmpfs", source: "st", options: ["nosuid", "noswap", "inode64", "size=1m"] },
      { destination: "/t/under", type: "tmpfs", source: "under", options: ["size=1m"] },
    );
    edit?.(s);
  });
  chmodSync(b, 0o755);
  return b;
}

describe.skipIf(!canRunContainers)("filesystems lxcri mounts before liblxc (real containers)", () => {
  test("the filesystem gets its options, the mount below it stays visible, nothing of the stage is seen inside or left on the host", () => {
    const r = lxcri(root, ["run", "--bundle", staged(), "st1"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("/t tmpfs st rw,size=1024k,inode64,noswap\n/t/under tmpfs under rw,size=1024k\n0\n");
    expect(r.code).toBe(0);
    // on the host: the stage directory is empty, nothing mounted on it
    expect(readdirSync(stage)).toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(stage);
    expect(leftovers(root, "st1")).toEqual([]);
  });

  test("in a user namespace of its own: its root mounts the stage and the filesystem (noswap is init's user namespace's alone: refused by tmpfs, as for runc)", () => {
    const b = staged((s) => {
      s.mounts![s.mounts!.length - 2]!.options = ["nosuid", "inode64", "size=1m"];
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: MAPPED, size: 65536 }];
    });
    const r = lxcri(root, ["run", "--bundle", b, "st2"]);
    expect(r.stderr).toBe("");
    // the filesystem is the user namespace's (its root's uid and gid shown as the host's)
    expect(r.stdout).toContain(`/t tmpfs st rw,size=1024k,uid=${MAPPED},gid=${MAPPED},inode64\n`);
    expect(r.code).toBe(0);
    expect(leftovers(root, "st2")).toEqual([]);
  });

  test("an option the filesystem refuses: create fails naming the mount (runc: the same mount(2) error), nothing is left", () => {
    const b = staged((s) => s.mounts!.push({ destination: "/bad", type: "tmpfs", source: "bad", options: ["no-such-option"] }));
    const n = JSON.parse(readFileSync(join(b, "config.json"), "utf8")).mounts.length - 1;
    const r = lxcri(root, ["run", "--bundle", b, "st3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`mounts[${n}]`);
    expect(r.stderr).toContain("Invalid argument");
    expect(leftovers(root, "st3")).toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(stage);
  });
});

// a hostile config cannot turn the hook's arguments into a shell command: every string is hex
test.skipIf(!canRunContainers)("a source or option with shell syntax reaches mount(2) as it is, and nothing else runs", () => {
  const marker = join(tempDir("staged-shell"), "ran");
  const b = staged((s) =>
    s.mounts!.push({ destination: "/q", type: "tmpfs", source: `x;touch ${marker}`, options: ["inode64", `nr_inodes=$(touch ${marker})`] }),
  );
  const r = lxcri(root, ["run", "--bundle", b, "st4"]);
  expect(r.code).toBe(1); // tmpfs refuses that nr_inodes
  expect(r.stderr).toContain("mounts[");
  expect(Bun.file(marker).size).toBe(0);
  expect(leftovers(root, "st4")).toEqual([]);
});
