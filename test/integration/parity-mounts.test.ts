// Mount options, lxcri beside runc (installed here: 1.1.5): the same bundle under both, and
// each mount's line in the container's /proc/self/mountinfo compared — its per-mount options
// and its propagation (shared:N / master:N, with N named "host" when it is a peer group of the
// host's and "own" otherwise; the numbers themselves are the kernel's). The bundle and the
// bind sources lie in a host tmpfs made shared, as systemd makes "/" on a usual host, so that
// a dependent of the host shows as master:host. Also compared: what a tmpfs takes from the
// image (tmpcopyup, the directory's mode) and what nosymfollow does.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { features } from "../../src/features.ts";
import type { Mount, Spec } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, LXCRI, tempDir, testRoot } from "../helpers.ts";

const RUNC = ["/usr/sbin/runc", "/usr/bin/runc"].find((p) => existsSync(p));
const enabled = canRunContainers && !!RUNC;
const root = testRoot("parity-mounts");
const runcRoot = `${root}-runc`;
const host = tempDir("parity-mounts");
const mounted: string[] = [];

const sh = (cmd: string[]) => {
  const p = Bun.spawnSync(cmd, { stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${p.stderr.toString()}`);
};

/** The host's peer groups (shared:N of its own mountinfo). */
function hostGroups(): Set<string> {
  const groups = new Set<string>();
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n"))
    for (const f of line.split(" - ")[0]!.split(" ").slice(6)) if (f.startsWith("shared:")) groups.add(f.slice(7));
  return groups;
}

/** mount point → "options propagation" of the last line for it (the one the container sees). */
function mountsSeen(mountinfo: string, groups: Set<string>): Map<string, string> {
  const seen = new Map<string, string>();
  for (const line of mountinfo.split("\n")) {
    const head = line.split(" - ")[0]!.split(" ");
    if (head.length < 6) continue;
    const propagation = head
      .slice(6)
      .map((f) => f.replace(/^(shared|master):(\d+)$/, (_, kind, n) => `${kind}:${groups.has(n) ? "host" : "own"}`))
      .join(" ");
    seen.set(head[4]!, `${head[5]} ${propagation || "private"}`.trim());
  }
  return seen;
}

function runUnder(runtime: "runc" | "lxcri", dir: string, id: string): { code: number; stdout: string; stderr: string } {
  const cmd = runtime === "runc" ? [RUNC!, "--root", runcRoot, "run", id] : [LXCRI, "--root", root, "run", id];
  const p = Bun.spawnSync(cmd, { cwd: dir, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  if (runtime === "runc") Bun.spawnSync([RUNC!, "--root", runcRoot, "delete", "--force", id]);
  return { code: p.exitCode ?? 137, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** A busybox bundle moved into the shared host tmpfs (its rootfs then depends on the host's peer group there). */
function sharedBundle(name: string, args: string[], edit: (s: Spec) => void): string {
  const made = bundle(args, (s) => {
    s.process!.terminal = false;
    edit(s);
  });
  const dir = join(host, name);
  cpSync(made, dir, { recursive: true, verbatimSymlinks: true });
  rmSync(made, { recursive: true, force: true });
  return dir;
}

const bind = (destination: string, source: string, ...options: string[]): Mount => ({
  destination,
  type: "bind",
  source,
  options: ["rbind", ...options],
});
const tmpfs = (destination: string, ...options: string[]): Mount => ({ destination, type: "tmpfs", source: "tmpfs", options });

beforeAll(() => {
  if (!enabled) return;
  mkdirSync(host, { recursive: true });
  sh(["mount", "-t", "tmpfs", "-o", "size=64m", "parity", host]);
  mounted.push(host);
  sh(["mount", "--make-shared", host]);
  // a volume with a submount (for the recursive options), shared as kubelet's are
  for (const d of ["vol", "vol/sub"]) {
    mkdirSync(join(host, d));
    sh(["mount", "-t", "tmpfs", "-o", "size=1m", "v", join(host, d)]);
    mounted.push(join(host, d));
  }
  sh(["mount", "--make-rshared", join(host, "vol")]);
  writeFileSync(join(host, "vol", "f"), "f\n");
  symlinkSync("f", join(host, "vol", "l"));
});

afterAll(() => {
  if (!enabled) return;
  cleanupRoot(root);
  rmSync(runcRoot, { recursive: true, force: true });
  for (const m of mounted.reverse()) Bun.spawnSync(["umount", "-l", m]);
  rmSync(host, { recursive: true, force: true });
});

describe.skipIf(!enabled)("mount options: lxcri and runc, the same bundle, the same mountinfo", () => {
  const vol = () => join(host, "vol");
  // Where lxcri shows something else than runc 1.1.5, on purpose (README, "What lxcri does differently"):
  //  - "/" is private, not a dependent of the host's mount the rootfs is on: runc >= 1.2 makes
  //    that mount private before it binds the rootfs (1.1 only when it was shared);
  //  - linux.rootfsPropagation is applied after pivot_root as runc >= 1.2 does (1.1 only before);
  //  - a bind mount of a host's shared mount is a peer of the host's only when it asks for
  //    "shared"/"rshared" under a shared root; where runc's mount namespace keeps the host's
  //    peer groups (rootfsPropagation shared, rshared, slave, ...) runc's binds are the host's
  //    peers unasked, lxcri's stay dependents (master:host): nothing mounted in the container
  //    reaches the host unless the config says so for that mount.
  const rootPrivate = { "/": "ro,relatime private" };
  const cases: { name: string; mounts: () => Mount[]; linux?: Partial<Spec["linux"]>; lxcriShows: Record<string, string> }[] = [
    {
      name: "no propagation option: a bind depends on the host's peer group, a tmpfs is private",
      mounts: () => [bind("/b", vol()), tmpfs("/t")],
      lxcriShows: rootPrivate,
    },
    {
      name: "private, rprivate, slave, rslave",
      mounts: () => [
        bind("/p", vol(), "private"),
        bind("/rp", vol(), "rprivate"),
        bind("/s", vol(), "slave"),
        bind("/rs", vol(), "rslave"),
      ],
      lxcriShows: rootPrivate,
    },
    {
      name: "shared and rshared (a peer group of the container's own, still a dependent of the host's)",
      mounts: () => [bind("/sh", vol(), "shared"), bind("/rsh", vol(), "rshared"), tmpfs("/tsh", "shared"), tmpfs("/tsh/under")],
      lxcriShows: rootPrivate,
    },
    {
      name: "unbindable, runbindable",
      mounts: () => [bind("/u", vol(), "unbindable"), bind("/ru", vol(), "runbindable"), tmpfs("/tu", "unbindable")],
      lxcriShows: rootPrivate,
    },
    {
      name: "recursive attributes and nosymfollow",
      mounts: () => [
        bind("/rro", vol(), "rro"),
        bind("/rnosuid", vol(), "rnosuid", "rnodev", "rnoexec"),
        bind("/rnoatime", vol(), "rnoatime"),
        bind("/nosym", vol(), "nosymfollow"),
      ],
      lxcriShows: rootPrivate,
    },
    {
      name: "mount(2) flags on a tmpfs",
      mounts: () => [
        tmpfs("/f1", "ro", "nosuid", "nodev", "noexec", "noatime"),
        tmpfs("/f2", "sync", "dirsync", "strictatime"),
        tmpfs("/f3", "nodiratime", "relatime", "lazytime"),
        tmpfs("/f4", "rw", "suid", "dev", "exec", "atime", "diratime", "async", "norelatime", "nostrictatime", "nomand"),
      ],
      lxcriShows: rootPrivate,
    },
    {
      name: "bind (not recursive), defaults, symfollow, mand (ignored by Linux >= 5.15)",
      mounts: () => [{ destination: "/nb", type: "bind", source: vol(), options: ["bind", "defaults", "symfollow"] }, tmpfs("/m", "mand")],
      lxcriShows: rootPrivate,
    },
    {
      name: "acl and noacl (runc's MS_POSIXACL: the kernel keeps it to itself)",
      mounts: () => [tmpfs("/a1", "acl"), tmpfs("/a2", "noacl"), bind("/a3", vol(), "acl"), bind("/a4", vol(), "noacl")],
      lxcriShows: rootPrivate,
    },
    {
      name: "mount(2) flags on a bind mount",
      mounts: () => [
        bind("/g1", vol(), "ro", "nosuid", "nodev", "noexec"),
        bind("/g2", vol(), "nodiratime", "strictatime"),
        bind("/g3", vol(), "noatime"),
        bind("/g4", vol(), "ro", "rw", "suid", "dev", "exec", "relatime"),
      ],
      lxcriShows: rootPrivate,
    },
    {
      name: "the other recursive attributes, on the mount and below it",
      mounts: () => [
        // one of a pair each: runc 1.1.5 lets "rro" win over a later "rrw" (runc >= 1.2 and lxcri: the later wins)
        bind("/r1", vol(), "rrw"),
        bind("/r2", vol(), "rnodiratime", "rstrictatime"),
        bind("/r3", vol(), "rrelatime", "rnosymfollow"),
        bind("/r4", vol(), "rsuid", "rdev", "rexec"),
        bind("/r5", vol(), "rdiratime"), // "ratime": runc 1.1.5 sends mount_setattr an invalid attr (EINVAL)
        bind("/r6", vol(), "rnorelatime"),
        bind("/r7", vol(), "rsymfollow"), // "rnostrictatime" too: runc 1.1.5 clears STRICTATIME alone (EINVAL)
      ],
      lxcriShows: rootPrivate,
    },
    {
      name: "rootfsPropagation rshared",
      mounts: () => [bind("/b", vol()), tmpfs("/t")],
      linux: { rootfsPropagation: "rshared" },
      lxcriShows: {
        "/": "ro,relatime shared:own",
        "/b": "rw,relatime shared:own master:host",
        "/b/sub": "rw,relatime shared:own master:host",
        "/t": "rw,relatime shared:own",
        "/proc": "rw,relatime shared:own",
        "/dev": "rw,nosuid shared:own",
        "/sys": "ro,nosuid,nodev,noexec,relatime shared:own",
      },
    },
    {
      name: "rootfsPropagation rprivate",
      mounts: () => [bind("/b", vol(), "rshared"), tmpfs("/t")],
      linux: { rootfsPropagation: "rprivate" },
      lxcriShows: {},
    },
    {
      name: "rootfsPropagation slave",
      mounts: () => [bind("/b", vol()), tmpfs("/t", "shared")],
      linux: { rootfsPropagation: "slave" },
      lxcriShows: { "/b": "rw,relatime master:host", "/b/sub": "rw,relatime master:host" },
    },
  ];

  test("every mount option `lxcri features` lists is a row here (idmap and ridmap: userns.test.ts)", () => {
    const rows = new Set([
      ...cases.flatMap((c) => c.mounts().flatMap((m) => m.options ?? [])),
      ...["tmpcopyup", "nosymfollow", "ratime", "rnostrictatime"], // tests of their own below
      ...["idmap", "ridmap"],
    ]);
    expect(features().mountOptions.filter((o) => !rows.has(o))).toEqual([]);
  });

  test.each(cases)("$name", ({ name, mounts, linux, lxcriShows }) => {
    const id = `pm-${name.replace(/[^a-z]+/g, "").slice(0, 24)}-${process.pid}`;
    const list = mounts();
    const dir = sharedBundle(id, ["cat", "/proc/self/mountinfo"], (s) => {
      s.mounts!.push(...list);
      Object.assign(s.linux!, linux ?? {});
    });
    const groups = hostGroups();
    const runc = runUnder("runc", dir, id);
    const ours = runUnder("lxcri", dir, id);
    expect(runc.stderr).toBe("");
    expect(ours.stderr).toBe("");
    const want = mountsSeen(runc.stdout, groups);
    const got = mountsSeen(ours.stdout, groups);
    const diffs = Object.fromEntries(
      ["/", ...list.flatMap((m) => [m.destination, `${m.destination}/sub`]), "/proc", "/dev", "/sys"]
        .filter((at) => got.get(at) !== want.get(at))
        .map((at) => [at, got.get(at)]),
    );
    expect(diffs).toEqual(lxcriShows);
  });

  test("tmpcopyup: the image's files, modes and owners in the tmpfs, also a read-only one; a tmpfs takes the image directory's mode", () => {
    const id = `pm-copyup-${process.pid}`;
    const script =
      "cd /etc/cp && ls -lnR . | grep -v '^total'; cat f sub/s; readlink l; stat -c '%a' /etc/cp /mnt; grep -E ' /(etc/cp|mnt|etc/ro) ' /proc/self/mountinfo | cut -d' ' -f5,6; cat /etc/ro/r";
    const dir = sharedBundle(id, ["sh", "-c", script], (s) => {
      s.mounts!.push(tmpfs("/etc/cp", "rw", "nosuid", "nodev", "tmpcopyup"), tmpfs("/mnt"), tmpfs("/etc/ro", "ro", "tmpcopyup"));
      // the listing is root's to read whatever the modes
      const caps = [...s.process!.capabilities!.bounding!, "CAP_DAC_OVERRIDE"];
      s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
    });
    const image = join(dir, "rootfs", "etc", "cp");
    mkdirSync(join(image, "sub"), { recursive: true });
    chmodSync(image, 0o750);
    writeFileSync(join(image, "f"), "data\n");
    chmodSync(join(image, "f"), 0o640);
    chownSync(join(image, "f"), 1000, 100);
    writeFileSync(join(image, "sub", "s"), "s\n");
    chmodSync(join(image, "sub"), 0o711);
    chownSync(join(image, "sub"), 5, 5);
    symlinkSync("f", join(image, "l"));
    mkdirSync(join(dir, "rootfs", "etc", "ro"));
    writeFileSync(join(dir, "rootfs", "etc", "ro", "r"), "r\n");
    mkdirSync(join(dir, "rootfs", "mnt"));
    chmodSync(join(dir, "rootfs", "mnt"), 0o700);
    const runc = runUnder("runc", dir, id);
    const ours = runUnder("lxcri", dir, id);
    expect(runc.stderr).toBe("");
    expect(ours.stderr).toBe("");
    // the times differ (both copy now), the rest not
    const strip = (out: string) => out.replace(/ [A-Z][a-z]{2} +\d+ +\d\d:\d\d /g, " TIME ");
    expect(strip(ours.stdout)).toBe(strip(runc.stdout));
    expect(ours.stdout).toContain("data\ns\nf\n750\n700\n");
  });

  test("ratime, rnostrictatime (runc 1.1.5 fails both with EINVAL): the later atime option wins on the mount and below it, as in runc >= 1.2", () => {
    const id = `pm-ratime-${process.pid}`;
    const dir = sharedBundle(id, ["cat", "/proc/self/mountinfo"], (s) => {
      s.mounts!.push(
        bind("/a", vol(), "rnoatime", "ratime"),
        bind("/s", vol(), "rstrictatime", "rnostrictatime"),
        bind("/n", vol(), "rnoatime"),
      );
    });
    const ours = runUnder("lxcri", dir, id);
    expect(ours.stderr).toBe("");
    const seen = mountsSeen(ours.stdout, hostGroups());
    for (const at of ["/a", "/a/sub", "/s", "/s/sub"]) expect(seen.get(at)).toBe("rw,relatime master:host");
    for (const at of ["/n", "/n/sub"]) expect(seen.get(at)).toBe("rw,noatime master:host");
  });

  test('filesystem options without "=" (liblxc 5.0 drops them; lxcri mounts such a filesystem itself): the same superblock options, flags, propagation and order as runc\'s', () => {
    const id = `pm-staged-${process.pid}`;
    const staged = [
      tmpfs("/st", "nosuid", "noswap", "inode64", "size=1m", "mode=750"),
      tmpfs("/st/under", "noexec", "size=1m"),
      // runc 1.1.5 gives a tmpfs the mode the image's directory has only when asked (runc >= 1.2 and lxcri always)
      tmpfs("/st2", "noexec", "nodev", "noswap", "mode=755", "shared"),
      // an rbind below a shared tmpfs: the kernel makes the whole tree shared, vol's submount too
      bind("/st2/b", vol()),
      // a read-only tmpfs: the mount is read-only, its filesystem not (runc remounts the mount)
      tmpfs("/st3", "ro", "nodev", "size=1m", "mode=755"),
      tmpfs("/st3b", "ro", "inode64", "mode=755"),
    ];
    const dir = sharedBundle(id, ["cat", "/proc/self/mountinfo"], (s) => s.mounts!.push(...staged));
    const groups = hostGroups();
    const runc = runUnder("runc", dir, id);
    const ours = runUnder("lxcri", dir, id);
    expect([runc.stderr, ours.stderr]).toEqual(["", ""]);
    /** mount point → what mountSeen compares, then the filesystem's type, source and options. */
    const seen = (mountinfo: string) => {
      const per = mountsSeen(mountinfo, groups);
      const out: string[] = [];
      for (const line of mountinfo.split("\n")) {
        const at = line.split(" ")[4];
        if (at === undefined || !/^\/st/.test(at)) continue;
        out.push(`${at} ${per.get(at)} - ${line.split(" - ")[1]}`);
      }
      return out;
    };
    expect(seen(ours.stdout)).toEqual(seen(runc.stdout));
    expect(seen(ours.stdout)[0]).toContain("noswap");
  });

  test("nosymfollow: a symlink on the mount is not followed, as with runc", () => {
    const id = `pm-nosym-${process.pid}`;
    const dir = sharedBundle(id, ["sh", "-c", "cat /n/l 2>&1 | sed 's/.*: //'; cat /n/f"], (s) => {
      s.mounts!.push(bind("/n", vol(), "nosymfollow"));
    });
    const runc = runUnder("runc", dir, id);
    const ours = runUnder("lxcri", dir, id);
    expect(runc.stdout).toBe("Too many levels of symbolic links\nf\n");
    expect(ours.stdout).toBe(runc.stdout);
  });
});
