// Issue 19: mount propagation. A container with CAP_SYS_ADMIN (a privileged pod's) mounts
// inside the volumes the config gave it. Nothing it mounts may reach the host unless the
// config puts that volume in the host's peer group (rootfsPropagation shared or rshared and the
// mount asking for "shared"/"rshared", Kubernetes' Bidirectional), as with runc; and nothing
// in the container is shared unless asked. The other way, what the host mounts in a volume
// reaches the container where the config says so (the default for a bind mount and "rslave").
//
// Before: liblxc made the container's whole tree rshared after pivot_root, which lxcri left
// as it was (every mount "shared:N"), and a bind mount asking for "rshared" was mounted from
// the host in the host's own peer group whatever the root's propagation: with runc's default
// (the root a recursive slave) the container's tmpfs at /vol/in appeared on the host.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Mount } from "../../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, state, tempDir, testRoot } from "../../helpers.ts";

const root = testRoot("attack-propagation");
const host = tempDir("attack-propagation");
const mounted: string[] = [];
afterAll(() => {
  cleanupRoot(root);
  for (const m of mounted.reverse()) Bun.spawnSync(["umount", "-l", m]);
  rmSync(host, { recursive: true, force: true });
});

const mount = (args: string[]) => expect(Bun.spawnSync(["mount", ...args], { stderr: "pipe" }).exitCode).toBe(0);
const isMountPoint = (path: string) =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[4] === path);

let volumes = 0;
/** A shared host tmpfs, as kubelet's volume directories and systemd's "/" are (not named after a container: leftovers looks for those). */
function sharedVolume(): string {
  const dir = join(host, `v${volumes++}`);
  mkdirSync(dir, { recursive: true });
  mount(["-t", "tmpfs", "-o", "size=1m", "vol", dir]);
  mounted.push(dir);
  mount(["--make-shared", dir]);
  return dir;
}

/** A running container with CAP_SYS_ADMIN and `vol` at /vol with `options`. */
function start(id: string, vol: string, options: string[], rootfsPropagation?: "rshared" | "rslave"): number {
  const b = bundle(["sleep", "60"], (s) => {
    s.mounts!.push({ destination: "/vol", type: "bind", source: vol, options } as Mount);
    s.mounts!.push({ destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=1m"] } as Mount);
    if (rootfsPropagation) s.linux!.rootfsPropagation = rootfsPropagation;
    const caps = [...s.process!.capabilities!.bounding!, "CAP_SYS_ADMIN"];
    s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  });
  const created = lxcri(root, ["create", "--bundle", b, id]);
  expect(created.stderr).toBe("");
  expect(lxcri(root, ["start", id]).code).toBe(0);
  return state(root, id).pid;
}

/** The container mounts a tmpfs at /vol/in and writes there; true when the host sees it. */
function containerMountReachesHost(id: string, vol: string): boolean {
  const r = lxcri(root, ["exec", id, "sh", "-c", "mkdir -p /vol/in && mount -t tmpfs -o size=1m inner /vol/in && echo in > /vol/in/f"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const reached = isMountPoint(join(vol, "in"));
  if (reached) mounted.push(join(vol, "in"));
  return reached || existsSync(join(vol, "in", "f"));
}

/** The host mounts a tmpfs at <vol>/out; true when the container sees its file. */
function hostMountReachesContainer(id: string, vol: string): boolean {
  mkdirSync(join(vol, "out"), { recursive: true });
  mount(["-t", "tmpfs", "-o", "size=1m", "outer", join(vol, "out")]);
  mounted.push(join(vol, "out"));
  writeFileSync(join(vol, "out", "g"), "out\n");
  return lxcri(root, ["exec", id, "cat", "/vol/out/g"]).stdout === "out\n";
}

describe.skipIf(!canRunContainers)("attack: mounts made in the container do not reach the host unless the config says so", () => {
  for (const [what, options] of [
    ["a bind mount asking for rshared", ["rbind", "rshared", "rw"]],
    ["a bind mount asking for shared", ["bind", "shared"]],
    ["a bind mount without a propagation option", ["rbind"]],
    ["a bind mount asking for rslave", ["rbind", "rslave"]],
  ] as const)
    test(`${what}, the root a recursive slave (runc's default): host → container only`, () => {
      const id = `prop-${options.join("-")}`;
      const vol = sharedVolume();
      start(id, vol, [...options]);
      expect(containerMountReachesHost(id, vol)).toBe(false);
      expect(hostMountReachesContainer(id, vol)).toBe(true);
      expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
      expect(leftovers(root, id)).toEqual([]);
    });

  test("a bind mount asking for rslave under an rshared root: host → container only", () => {
    const id = "prop-rslave-under-rshared";
    const vol = sharedVolume();
    start(id, vol, ["rbind", "rslave"], "rshared");
    expect(containerMountReachesHost(id, vol)).toBe(false);
    expect(hostMountReachesContainer(id, vol)).toBe(true);
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
  });

  test("Bidirectional (rshared under an rshared root) is the host's peer: both ways, as asked", () => {
    const id = "prop-bidirectional";
    const vol = sharedVolume();
    start(id, vol, ["rbind", "rshared", "rw"], "rshared");
    expect(containerMountReachesHost(id, vol)).toBe(true);
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
  });

  test("nothing in the container is shared unless asked: no shared:N in its mountinfo", () => {
    const id = "prop-none-shared";
    const vol = sharedVolume();
    const pid = start(id, vol, ["rbind"]);
    const shared = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
      .split("\n")
      .filter((l) => / shared:\d+/.test(l.split(" - ")[0]!));
    expect(shared).toEqual([]);
    // a mount namespace the container makes: what it mounts there stays there (no peer in the container)
    const r = lxcri(root, [
      "exec",
      id,
      "sh",
      "-c",
      "unshare -m --propagation shared sh -c 'mount -t tmpfs -o size=1m nested /scratch && touch /scratch/nested'; ls /scratch",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
    expect(leftovers(root, id)).toEqual([]);
  });
});

describe.skipIf(!canRunContainers)("attack: a hostile image under a tmpcopyup tmpfs", () => {
  test("symlinks are copied as links, never followed; a FIFO is made, never opened; deep trees are bounded", () => {
    const id = "copyup-hostile";
    const b = bundle(["sh", "-c", "cd /c && readlink esc && readlink up && ls -l fifo | cut -c1 && cat f && find . | wc -l"], (s) => {
      s.mounts!.push({ destination: "/c", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "size=1m"] } as Mount);
    });
    const image = join(b, "rootfs", "c");
    mkdirSync(image);
    symlinkSync("/proc/1/root/etc/shadow", join(image, "esc"));
    symlinkSync("../../../../../../etc", join(image, "up"));
    Bun.spawnSync(["mkfifo", join(image, "fifo")]);
    writeFileSync(join(image, "f"), "f\n");
    let deep = image;
    for (let i = 0; i < 40; i++) mkdirSync((deep = join(deep, "d")));
    const started = Date.now();
    const r = lxcri(root, ["run", "--bundle", b, id]);
    expect(Date.now() - started).toBeLessThan(30_000); // the FIFO was not opened
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("/proc/1/root/etc/shadow\n../../../../../../etc\np\nf\n45\n");
    expect(leftovers(root, id)).toEqual([]);
  });

  test("deeper than 256 directories: create fails naming the mount, nothing is left", () => {
    const id = "copyup-deep";
    const b = bundle(["true"], (s) => {
      s.mounts!.push({ destination: "/c", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "size=4m"] } as Mount);
    });
    // built by relative mkdir: the full path would pass PATH_MAX
    const p = Bun.spawnSync(["sh", "-c", "mkdir c && cd c && for i in $(seq 300); do mkdir d && cd d || exit 1; done"], {
      cwd: join(b, "rootfs"),
    });
    expect(p.exitCode).toBe(0);
    const r = lxcri(root, ["run", "--bundle", b, id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("tmpcopyup");
    expect(r.stderr).toContain("/c");
    lxcri(root, ["delete", "--force", id]);
    expect(leftovers(root, id)).toEqual([]);
    Bun.spawnSync(["rm", "-rf", b]);
  });
});
