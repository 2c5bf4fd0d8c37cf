// `exec` without HOME looks the user up in the
// container's /etc/passwd. The container controls that file: a symlink to
// /dev/zero, a FIFO or a 2 GiB sparse file must not hang the host-side `lxcri
// exec` or make it grow without bound, and a symlink (or a symlink swapped in
// while lxcri looks) must never make lxcri read a host file and hand its
// content to the container.
// Found: /etc/passwd → /dev/zero drove `lxcri exec` past 1 GiB in under 3 s.
// runc 1.1.5: fails in ~25 ms with "bufio.Scanner: token too long" (it reads
// the file inside the container, after entering it).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import { attackTool, bundle, cleanupAttackRoot, measure, plant, processFile, removeScratch, runtime, tempDir } from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-reads");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

const MAX_MS = 10_000;
const MAX_RSS_KB = 200 * 1024;

/** A host file the container must never get: a passwd whose root has a home only the host knows. */
function hostSecret(): { path: string; home: string } {
  const d = tempDir("secret");
  const home = `/HOST-SECRET-HOME-${process.pid}`;
  const path = join(d, "passwd");
  writeFileSync(path, `root:x:0:0:root:${home}:/bin/sh\n`, { mode: 0o600 });
  return { path, home };
}

/** A running container (HOME set for its own process), with /etc/passwd replaced by `make`. */
function running(id: string, make: (passwd: string) => void, edit?: (s: Spec) => void): string {
  const lx = runtime(LXCRI, root);
  const b = bundle(["sleep", "60"], (s) => {
    s.process!.env!.push("HOME=/root");
    edit?.(s);
  });
  const passwd = join(b, "rootfs", "etc", "passwd");
  rmSync(passwd);
  make(passwd);
  expect(lx(["create", "--bundle", b, id]).code).toBe(0);
  expect(lx(["start", id]).code).toBe(0);
  return b;
}

/**
 * `lxcri exec` of `args` without HOME: exit, output, wall time and the exec
 * process's peak RSS. It is killed at 1.5 × the bounds, so that it cannot eat
 * the machine when the hole is there.
 */
function execNoHome(b: string, id: string, args: string[]) {
  const proc = processFile(b, args, { env: ["PATH=/bin:/usr/bin"] });
  return measure([LXCRI, "--root", root, "exec", "--process", proc, id], { timeoutMs: MAX_MS * 1.5, killAboveKb: MAX_RSS_KB * 1.5 });
}

describe.skipIf(!canRunContainers)("attack: the container's /etc/passwd read from the host side", () => {
  const hostile: [string, (p: string) => void][] = [
    ["a symlink to /dev/zero", (p) => symlinkSync("/dev/zero", p)],
    ["a FIFO nobody writes", (p) => expect(Bun.spawnSync(["mkfifo", p]).exitCode).toBe(0)],
    ["a 2 GiB sparse file", (p) => (writeFileSync(p, ""), truncateSync(p, 2 * 1024 ** 3))],
    ["a symlink to /dev/urandom", (p) => symlinkSync("/dev/urandom", p)],
  ];
  hostile.forEach(([what, make], i) =>
    test(`/etc/passwd is ${what}: exec without HOME ends within ${MAX_MS / 1000} s and ${MAX_RSS_KB / 1024} MB`, async () => {
      const id = `reads${i}`;
      const b = running(id, make);
      const r = await execNoHome(b, id, ["sh", "-c", "echo home=$HOME"]);
      console.log(
        `${what}: exit ${r.code} in ${Math.round(r.ms)} ms, peak RSS ${Math.round(r.rssKb / 1024)} MB${r.killedFor ? ` (KILLED: ${r.killedFor})` : ""} ${r.stdout.trim()} ${r.stderr.trim().slice(0, 200)}`,
      );
      expect({ killed: r.killedFor, slow: r.ms > MAX_MS, big: r.rssKb > MAX_RSS_KB }).toEqual({
        killed: undefined,
        slow: false,
        big: false,
      });
      expect(runtime(LXCRI, root)(["delete", "--force", id]).code).toBe(0);
    }, 30_000),
  );

  test("/etc/passwd is a symlink to /dev/zero and the process has no HOME: create and start end in bounded time", () => {
    const lx = runtime(LXCRI, root);
    // the lookup may happen inside the container: its memory is capped, the host's is not at stake
    const b = bundle(
      ["sh", "-c", "echo home=$HOME"],
      (s) => (s.linux!.resources = { ...s.linux!.resources, memory: { limit: 256 * 1024 ** 2 } }),
    );
    rmSync(join(b, "rootfs", "etc", "passwd"));
    symlinkSync("/dev/zero", join(b, "rootfs", "etc", "passwd"));
    const c = lx(["create", "--bundle", b, "reads-start"], { timeoutMs: MAX_MS + 5000 });
    const s = c.code === 0 ? lx(["start", "reads-start"], { timeoutMs: MAX_MS + 5000 }) : c;
    console.log(
      `create: exit ${c.code} ${Math.round(c.ms)} ms; start: exit ${s.code} ${Math.round(s.ms)} ms ${s.stderr.trim().slice(0, 200)}`,
    );
    expect({ timedOut: c.timedOut || s.timedOut, slow: c.ms + s.ms > MAX_MS }).toEqual({ timedOut: false, slow: false });
    lx(["delete", "--force", "reads-start"]);
  }, 30_000);

  const links: [string, (secret: string) => string, ((s: Spec) => void)?][] = [
    ["an absolute symlink to a host file", (f) => f],
    ["a relative symlink climbing out", (f) => `../../../../../../../..${f}`],
    ["a symlink through /proc/1/root (own pid namespace)", (f) => `/proc/1/root${f}`],
    ["a symlink through /proc/self/root", (f) => `/proc/self/root${f}`],
    [
      "a symlink through /proc/1/root, in the host's pid namespace",
      (f) => `/proc/1/root${f}`,
      (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "pid")),
    ],
    [
      "a symlink through /proc/1/cwd, in the host's pid namespace",
      (f) => `/proc/1/cwd${f}`,
      (s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "pid")),
    ],
  ];
  test("a symlinked /etc/passwd never gives the exec'd process a HOME from a host file", async () => {
    const secret = hostSecret();
    const got: string[] = [];
    for (const [i, [what, target, edit]] of links.entries()) {
      const id = `readlink${i}`;
      const b = running(id, (p) => symlinkSync(target(secret.path), p), edit);
      const r = await execNoHome(b, id, ["sh", "-c", "echo $HOME"]);
      got.push(`${what}: ${r.code === 0 ? `HOME=${r.stdout.trim()}` : `exit ${r.code} ${r.stderr.trim().slice(0, 120)}`}`);
      expect(runtime(LXCRI, root)(["delete", "--force", id]).code).toBe(0);
    }
    console.log(got.join("\n"));
    expect(got.filter((l) => l.includes(secret.home))).toEqual([]);
  }, 30_000);

  // a container process swaps (renameat2 RENAME_EXCHANGE, in a loop) the file, or the directory above it, with a symlink to the host's
  const races: [string, string, string, (secret: string) => string][] = [
    ["/etc/passwd with a symlink to a host file", "/etc/passwd", "/etc/passwd.lnk", (f) => f],
    ["/etc with a symlink to a host directory", "/etc", "/etc.lnk", (f) => join(f, "..")],
  ];
  for (const [what, a, lnk, target] of races)
    test(`swapping ${what} while exec looks never gives the process a HOME from the host file`, async () => {
      const secret = hostSecret();
      const b = bundle(["/pwn", "swap", a, lnk, "25"], (s) => {
        s.root!.readonly = false;
        s.process!.env!.push("HOME=/root");
      });
      plant(b, "/pwn", attackTool());
      symlinkSync(target(secret.path), join(b, "rootfs", lnk));
      chmodSync(join(b, "rootfs", "etc"), 0o755);
      const id = `readrace${a.length}`;
      const lx = runtime(LXCRI, root);
      expect(lx(["create", "--bundle", b, id]).code).toBe(0);
      expect(lx(["start", id]).code).toBe(0);
      // up to 240 execs, 4 at a time, for at most 18 s; it stops at the first leak
      const homes = new Map<string, number>();
      const deadline = Date.now() + 18_000;
      for (let i = 0; i < 60 && Date.now() < deadline && ![...homes.keys()].some((h) => h.includes(secret.home)); i++) {
        const batch = await Promise.all([0, 1, 2, 3].map(() => execNoHome(b, id, ["sh", "-c", "echo $HOME"])));
        for (const r of batch) {
          const key = r.code === 0 ? r.stdout.trim() : `exit ${r.code}`;
          homes.set(key, (homes.get(key) ?? 0) + 1);
        }
      }
      console.log(`swapping ${what}: HOMEs seen: ${JSON.stringify(Object.fromEntries(homes))}`);
      expect(lx(["delete", "--force", id]).code).toBe(0);
      expect([...homes.keys()].filter((h) => h.includes(secret.home))).toEqual([]);
    }, 30_000);
});
