// Issue 11, classes from runc's 2025 advisories, against lxcri's own code:
//  - CVE-2025-31133: maskedPaths are masked by binding /dev/null (or a tmpfs)
//    over them; if the container's /dev/null, or the masked path itself, is a
//    symlink (from the image, or swapped in by another container sharing the
//    files), the runtime must not bind a host file (a procfs file, a host
//    directory) anywhere, and the path must stay masked;
//  - CVE-2025-52565: with a terminal, /dev/console is bound to the pty; a
//    swapped /dev/console (or pty path) must not make the runtime bind or
//    expose a host file.
// Races are between a running container A that swaps files of a rootfs it
// shares with container B (renameat2 RENAME_EXCHANGE in a loop, tool.c swap)
// and B being created again and again; bounded by iterations and time.
//
// runc 1.1.5 on the static variants: masks stay in place (it refuses a
// /dev/null that is not a character device since 1.2.8/1.1.? backports; 1.1.5
// follows /dev/null: the CVE's version). See the report for what was observed.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import {
  attackTool,
  bundle,
  cleanupAttackRoot,
  hostMounts,
  newMounts,
  plant,
  removeScratch,
  run,
  runtime,
  snapshotTree,
  tempDir,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";

const root = testRoot("attack-masks");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

/** A host directory with a file in it, which nothing in these tests may mount, change or show to a container. */
function victim(): { dir: string; file: string } {
  const dir = tempDir("victim");
  const file = join(dir, "victim-file");
  writeFileSync(file, "HOST VICTIM\n");
  return { dir, file };
}

/** Mount points (and their roots) of a process, from the host. */
function mountsOf(pid: number): { mp: string; root: string; fstype: string }[] {
  return readFileSync(`/proc/${pid}/mountinfo`, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [pre, post] = l.split(" - ");
      const f = pre!.split(" ");
      return { mp: f[4]!, root: f[3]!, fstype: post!.split(" ")[0]! };
    });
}

const withoutDevTmpfs = (s: Spec) => (s.mounts = s.mounts!.filter((m) => m.destination !== "/dev"));

describe.skipIf(!canRunContainers)(
  "attack: masked paths and /dev/console through symlinks (CVE-2025-31133, CVE-2025-52565 classes)",
  () => {
    test("masked and read-only paths that are image symlinks to host paths mount nothing from the host and stay masked", () => {
      const lx = runtime(LXCRI, root);
      const v = victim();
      const before = { mounts: hostMounts(), victim: snapshotTree(v.dir) };
      const b = bundle(
        [
          "sh",
          "-c",
          "cat /masked-file 2>&1; ls /masked-dir /ro-dir 2>&1; cat /ro-dir/* 2>&1; grep -E ' /(masked-file|masked-dir|ro-dir) ' /proc/self/mountinfo | cut -d' ' -f4,5,9",
        ],
        (s) => {
          s.linux!.maskedPaths!.push("/masked-file", "/masked-dir");
          s.linux!.readonlyPaths!.push("/ro-dir");
        },
      );
      symlinkSync(v.file, join(b, "rootfs", "masked-file"));
      symlinkSync(v.dir, join(b, "rootfs", "masked-dir"));
      symlinkSync(v.dir, join(b, "rootfs", "ro-dir"));
      const r = lx(["run", "--bundle", b, "mask1"], { timeoutMs: 20_000 });
      console.log(`run: exit ${r.code}\n${r.stdout}${r.stderr}`);
      expect(r.stdout).not.toContain("HOST VICTIM");
      expect(r.stdout).not.toContain("victim-file");
      expect(newMounts(before.mounts, [v.dir, "/dev/null", "/dev/console"])).toEqual([]);
      expect(snapshotTree(v.dir)).toEqual(before.victim);
      lx(["delete", "--force", "mask1"]);
    }, 30_000);

    test("the container's /dev/null swapped for a symlink to a host file (no /dev tmpfs in the spec): masks bind nothing from the host", () => {
      const lx = runtime(LXCRI, root);
      const v = victim();
      const before = { mounts: hostMounts(), victim: snapshotTree(v.dir) };
      const b = bundle(
        ["sh", "-c", "cat /proc/kcore /masked 2>&1 | head -c 100; echo; stat -c '%n %F %t:%T' /proc/kcore /masked /dev/null"],
        (s) => {
          withoutDevTmpfs(s);
          s.linux!.maskedPaths!.push("/masked");
        },
      );
      writeFileSync(join(b, "rootfs", "masked"), "IMAGE SECRET\n");
      for (const d of ["dev/pts", "dev/shm", "dev/mqueue"]) mkdirSync(join(b, "rootfs", d), { recursive: true });
      symlinkSync(v.file, join(b, "rootfs", "dev", "null"));
      const r = lx(["run", "--bundle", b, "mask2"], { timeoutMs: 20_000 });
      console.log(`run: exit ${r.code}\n${r.stdout}${r.stderr}`);
      expect(r.stdout).not.toContain("HOST VICTIM");
      expect(r.stdout).not.toContain("IMAGE SECRET");
      expect(newMounts(before.mounts, [v.dir, "/dev/null", "/dev/console"])).toEqual([]);
      expect(snapshotTree(v.dir)).toEqual(before.victim);
      lx(["delete", "--force", "mask2"]);
    }, 30_000);

    test("race: a container sharing the rootfs swaps a masked file and directory with symlinks to host paths while another is created 15 times", () => {
      const lx = runtime(LXCRI, root);
      const v = victim();
      const before = { mounts: hostMounts(), victim: snapshotTree(v.dir) };
      // A: swaps /mf <-> /mf.lnk and /m <-> /m.lnk in the shared rootfs
      const a = bundle(["sh", "-c", "/pwn swap /mf /mf.lnk 25 & /pwn swap /m /m.lnk 25 & wait"], (s) => (s.root!.readonly = false));
      const shared = join(a, "rootfs");
      plant(a, "/pwn", attackTool());
      writeFileSync(join(shared, "mf"), "IMAGE SECRET\n");
      mkdirSync(join(shared, "m"));
      writeFileSync(join(shared, "m", "image-secret"), "IMAGE SECRET\n");
      symlinkSync(v.file, join(shared, "mf.lnk"));
      symlinkSync(v.dir, join(shared, "m.lnk"));
      expect(lx(["create", "--bundle", a, "racer-a"]).code).toBe(0);
      expect(lx(["start", "racer-a"]).code).toBe(0);
      const outcomes: string[] = [];
      const problems: string[] = [];
      const deadline = Date.now() + 18_000;
      for (let i = 0; i < 15 && Date.now() < deadline; i++) {
        const b = bundle(["sleep", "30"], (s) => {
          s.root = { path: shared, readonly: true };
          s.linux!.maskedPaths!.push("/mf", "/m");
        });
        const id = `racer-b${i}`;
        const c = lx(["create", "--bundle", b, id], { timeoutMs: 15_000 });
        if (c.code === 0) {
          const pid = JSON.parse(lx(["state", id]).stdout).pid as number;
          const mounts = mountsOf(pid);
          // masked, or create fails: never a container whose masked path shows what is there.
          // A's RENAME_EXCHANGE moves the masked file and directory (mounts and all) between
          // /mf and /mf.lnk, /m and /m.lnk: what B reads under either name must never be the image's.
          for (let look = 0; look < 5; look++) {
            const e = run(
              [LXCRI, "--root", root, "exec", id, "sh", "-c", "cat /mf /mf.lnk /m/image-secret /m.lnk/image-secret 2>/dev/null"],
              {
                timeoutMs: 5000,
              },
            );
            if (e.stdout.includes("IMAGE SECRET")) problems.push(`${id}: a masked path shows what is there: ${e.stdout.trim()}`);
          }
          if (!mounts.some((m) => ["/mf", "/mf.lnk"].includes(m.mp)) || !mounts.some((m) => ["/m", "/m.lnk"].includes(m.mp)))
            problems.push(`${id}: a masked path is not masked (nothing mounted on it under either name)`);
          for (const m of mounts) if (m.root.startsWith(v.dir)) problems.push(`${id}: host ${m.root} is mounted at ${m.mp}`);
          outcomes.push("created");
        } else outcomes.push(`refused: ${c.stderr.trim().slice(0, 120)}`);
        lx(["delete", "--force", id]);
      }
      lx(["delete", "--force", "racer-a"]);
      console.log(`B: ${outcomes.join("; ")}`);
      expect(problems).toEqual([]);
      expect(newMounts(before.mounts, [v.dir, "/dev/null", "/dev/console"])).toEqual([]);
      expect(snapshotTree(v.dir)).toEqual(before.victim);
    }, 30_000);

    test("race: with a terminal, a container sharing the rootfs swaps /dev/console with a symlink to a host file while another is created 10 times", async () => {
      const lx = runtime(LXCRI, root);
      const v = victim();
      const before = { mounts: hostMounts(), victim: snapshotTree(v.dir) };
      const a = bundle(["/pwn", "swap", "/dev/console", "/dev/console.lnk", "25"], (s) => {
        s.root!.readonly = false;
        withoutDevTmpfs(s);
      });
      const shared = join(a, "rootfs");
      plant(a, "/pwn", attackTool());
      writeFileSync(join(shared, "dev", "console"), "");
      symlinkSync(v.file, join(shared, "dev", "console.lnk"));
      expect(lx(["create", "--bundle", a, "console-a"]).code).toBe(0);
      expect(lx(["start", "console-a"]).code).toBe(0);
      // a console socket that takes connections (the pty master is not needed)
      const sockDir = tempDir("console");
      const socket = join(sockDir, "console.sock");
      const server = Bun.listen({ unix: socket, socket: { data() {} } });
      const outcomes: string[] = [];
      const problems: string[] = [];
      try {
        const deadline = Date.now() + 15_000;
        for (let i = 0; i < 10 && Date.now() < deadline; i++) {
          const b = bundle(["sleep", "30"], (s) => {
            s.root = { path: shared, readonly: true };
            s.process!.terminal = true;
            withoutDevTmpfs(s);
          });
          const id = `console-b${i}`;
          const c = lx(["create", "--console-socket", socket, "--bundle", b, id], { timeoutMs: 10_000 });
          if (c.code === 0) {
            const pid = JSON.parse(lx(["state", id]).stdout).pid as number;
            for (const m of mountsOf(pid)) if (m.root.startsWith(v.dir)) problems.push(`${id}: host ${m.root} is mounted at ${m.mp}`);
            // (not read: a pty would block) what is at /dev/console must be a terminal, never the host's file
            const e = run([LXCRI, "--root", root, "exec", id, "sh", "-c", "stat -L -c '%F' /dev/console; cat /dev/console.lnk 2>&1"], {
              timeoutMs: 5000,
            });
            if (e.stdout.includes("HOST VICTIM")) problems.push(`${id}: /dev/console or the link reads a file: ${e.stdout.trim()}`);
            outcomes.push("created");
          } else outcomes.push(`refused: ${c.stderr.trim().slice(0, 120)}`);
          lx(["delete", "--force", id]);
          await Bun.sleep(0); // let the server accept
        }
      } finally {
        server.stop(true);
        rmSync(socket, { force: true });
        lx(["delete", "--force", "console-a"]);
      }
      console.log(`B: ${outcomes.join("; ")}`);
      expect(problems).toEqual([]);
      expect(newMounts(before.mounts, [v.dir, "/dev/null", "/dev/console"])).toEqual([]);
      expect(snapshotTree(v.dir)).toEqual(before.victim);
    }, 30_000);
  },
);
