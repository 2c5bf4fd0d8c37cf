// The config that was checked is the config that runs.
// create read the bundle's config.json to check it and run init, then copied
// the bundle's file a second time (following symlinks, unbounded) into the
// runtime directory; `exec` without --process builds its process from that
// copy. A local user who owns the bundle renames a second, privileged config
// over config.json between the two reads: init runs as uid 1000 with no
// capabilities, no_new_privs and a seccomp filter, every later `lxcri exec`
// as uid 0 with CAP_SYS_ADMIN, no no_new_privs and no filter.
// Found: the swap right after create's first read (timed by inotify) gave
// exec uid 0 and `Seccomp: 0` every time.
// runc 1.1.5: reads config.json once at create (following a symlink, no
// bound: a FIFO hangs it); exec re-reads the bundle's process but keeps the
// container's seccomp filter.
//
// Also here: config.json that is not a regular file of a sane size (a symlink,
// a FIFO, /dev/zero, 2 GiB) is refused at once, naming the file, leaving
// nothing behind.
import { afterAll, describe, expect, test } from "bun:test";
import { chownSync, chmodSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, leftovers, LXCRI, testRoot } from "../../helpers.ts";
import {
  attackTool,
  bundle,
  cleanupAttackRoot,
  compileTool,
  hostCaps,
  logLines,
  measure,
  outDir,
  removeScratch,
  runtime,
  settle,
  statusFields,
  tempDir,
} from "./attack-helpers.ts";
import type { Spec } from "../../../src/spec/types.ts";
import { CONFIG_MAX_BYTES } from "../../../src/host/config-file.ts";

const root = testRoot("attack-config-swap");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

/** The bundle's owner: a local user without root. */
const OWNER = 1000;

/** What a process's confinement is, from its /proc/<pid>/status. */
const CONFINEMENT = ["Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"];
const confinement = (status: string) => {
  const all = statusFields(status);
  return Object.fromEntries(CONFINEMENT.map((k) => [k, all[k]]));
};

/** The config the container is meant to have: uid 1000, no capabilities, no_new_privs, a seccomp filter. */
function confined(s: Spec): void {
  s.process!.user = { uid: OWNER, gid: OWNER };
  s.process!.capabilities = { bounding: [], effective: [], permitted: [] };
  s.process!.noNewPrivileges = true;
  s.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["kexec_load"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }] };
}

/** The one its owner swaps in: uid 0, every capability, no no_new_privs, no seccomp. */
function privileged(s: Spec): Spec {
  const p = structuredClone(s);
  const caps = hostCaps();
  p.process!.user = { uid: 0, gid: 0 };
  p.process!.capabilities = { bounding: caps, effective: caps, permitted: caps };
  p.process!.noNewPrivileges = false;
  delete p.linux!.seccomp;
  return p;
}

/** A bundle of OWNER's (the rootfs stays root's) with the confined config.json and the privileged one beside it. */
function ownedBundle(): { dir: string; swapIn: string } {
  const dir = bundle(["sleep", "60"], confined);
  const swapIn = join(dir, "privileged.json");
  writeFileSync(swapIn, JSON.stringify(privileged(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")))));
  for (const f of [dir, join(dir, "config.json"), swapIn]) chownSync(f, OWNER, OWNER);
  chmodSync(dir, 0o755);
  return { dir, swapIn };
}

/** Runs `cmd` as OWNER (setpriv), in the background; with `realtime`, at SCHED_FIFO so it acts the moment it wakes. */
function asOwner(cmd: string[], realtime = false) {
  const user = ["setpriv", `--reuid=${OWNER}`, `--regid=${OWNER}`, "--clear-groups", "--", ...cmd];
  return Bun.spawn(realtime ? ["chrt", "-f", "10", ...user] : user, { stdin: "ignore", stdout: "ignore", stderr: "inherit" });
}

/**
 * Starts container `id`, then the confinement of its init (the host's view)
 * and of `lxcri exec` without --process (the process's own view).
 */
function initAndExec(id: string): { init: Record<string, string | undefined>; exec: Record<string, string | undefined> } {
  const lx = runtime(LXCRI, root);
  expect(lx(["start", id]).code).toBe(0);
  const pid = JSON.parse(lx(["state", id]).stdout).pid as number;
  const init = confinement(readFileSync(`/proc/${pid}/status`, "utf8"));
  const r = lx(["exec", id, "cat", "/proc/self/status"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return { init, exec: confinement(r.stdout) };
}

describe.skipIf(!canRunContainers)("attack: config.json swapped during create", () => {
  test("exec without --process has exactly init's confinement (no swap)", () => {
    const lx = runtime(LXCRI, root);
    const b = bundle(["sleep", "60"], confined);
    expect(lx(["create", "--bundle", b, "same"]).code).toBe(0);
    const { init, exec } = initAndExec("same");
    expect(init.Uid).toBe(`${OWNER}\t${OWNER}\t${OWNER}\t${OWNER}`);
    expect(init.CapEff).toBe("0000000000000000");
    expect(init.NoNewPrivs).toBe("1");
    expect(init.Seccomp).toBe("2");
    expect(exec).toEqual(init);
    expect(lx(["delete", "--force", "same"]).code).toBe(0);
  }, 60_000);

  test("the bundle's owner renames a privileged config over config.json right after create read it: exec keeps init's confinement", async () => {
    const lx = runtime(LXCRI, root);
    const { dir, swapIn } = ownedBundle();
    const log = join(outDir("swap-log"), "log");
    // inotify tells the owner when a reader closes config.json; at SCHED_FIFO the rename lands
    // before the reader's next step (create's translation and runtime directory take milliseconds).
    const swapper = asOwner([compileTool("swap-after-read"), dir, "config.json", swapIn, "30", log], true);
    try {
      expect(await settle(() => logLines(log).some((l) => l.startsWith("ready")), 10_000)).toBe(true);
      const created = lx(["create", "--bundle", dir, "swapped"]);
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      await swapper.exited;
      // the attack happened: config.json is the privileged one now
      expect(logLines(log).filter((l) => l.startsWith("SWAPPED")).length).toBe(1);
      expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).process.user.uid).toBe(0);
    } finally {
      swapper.kill("SIGKILL");
    }
    const { init, exec } = initAndExec("swapped");
    // init ran from what create read before the swap
    expect(init.Uid).toBe(`${OWNER}\t${OWNER}\t${OWNER}\t${OWNER}`);
    expect(init.Seccomp).toBe("2");
    expect(exec).toEqual(init);
    expect(lx(["delete", "--force", "swapped"]).code).toBe(0);
  }, 60_000);

  test("config.json and a privileged config exchanged in a tight loop across 6 creates: every exec has its init's confinement", async () => {
    const lx = runtime(LXCRI, root);
    const { dir, swapIn } = ownedBundle();
    // RENAME_EXCHANGE as fast as it goes (attack tool `swap`), for as long as the creates take
    const swapper = asOwner([attackTool(), "swap", join(dir, "config.json"), swapIn, "120"]);
    const seen: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const id = `loop${i}`;
        const created = lx(["create", "--bundle", dir, id]);
        expect(created.stderr).toBe("");
        expect(created.code).toBe(0);
        const { init, exec } = initAndExec(id);
        seen.push(`${id}: init uid ${init.Uid?.split("\t")[0]}, exec uid ${exec.Uid?.split("\t")[0]}`);
        expect({ id, confinement: exec }).toEqual({ id, confinement: init });
        expect(lx(["delete", "--force", id]).code).toBe(0);
      }
    } finally {
      swapper.kill("SIGKILL");
      await swapper.exited;
    }
    console.log(seen.join("\n"));
  }, 120_000);
});

describe.skipIf(!canRunContainers)("config.json must be a regular file of a sane size", () => {
  /** create from a bundle whose config.json `make` replaced; bounded in time and memory. */
  async function createWith(id: string, make: (config: string, valid: string) => void) {
    const b = bundle(["true"]);
    const config = join(b, "config.json");
    const valid = readFileSync(config, "utf8");
    rmSync(config);
    make(config, valid);
    const r = await measure([LXCRI, "--root", root, "create", "--bundle", b, id], { timeoutMs: 10_000, killAboveKb: 400 * 1024 });
    return { ...r, left: leftovers(root, id) };
  }

  const refused: [string, (config: string, valid: string) => void, RegExp][] = [
    [
      "a symlink to a valid config",
      (config, valid) => {
        const elsewhere = join(tempDir("elsewhere"), "config.json");
        writeFileSync(elsewhere, valid);
        symlinkSync(elsewhere, config);
      },
      /config\.json: is a symbolic link/,
    ],
    ["a symlink to /dev/zero", (config) => symlinkSync("/dev/zero", config), /config\.json: is a symbolic link/],
    ["a FIFO", (config) => expect(Bun.spawnSync(["mkfifo", config]).exitCode).toBe(0), /config\.json: is a FIFO, not a regular file/],
    ["a directory", (config) => Bun.spawnSync(["mkdir", config]), /config\.json: is a directory, not a regular file/],
    [
      "a 2 GiB sparse file",
      (config) => (writeFileSync(config, ""), truncateSync(config, 2 * 1024 ** 3)),
      /config\.json: larger than 16 MiB/,
    ],
    [
      "a valid config padded past the bound",
      (config, valid) => writeFileSync(config, valid.replace(/\}\s*$/, `${" ".repeat(CONFIG_MAX_BYTES)}}`)),
      /config\.json: larger than 16 MiB/,
    ],
  ];
  refused.forEach(([what, make, message], i) =>
    test(`config.json ${what}: refused at once, nothing left behind`, async () => {
      const r = await createWith(`refused${i}`, make);
      expect(r.killedFor).toBeUndefined();
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(1);
      expect(r.ms).toBeLessThan(5_000);
      expect(r.left).toEqual([]);
    }, 30_000),
  );

  test("config.json exactly at the bound is read", async () => {
    const r = await createWith("atbound", (config, valid) => {
      const body = valid.replace(/\}\s*$/, "");
      writeFileSync(config, `${body}${" ".repeat(CONFIG_MAX_BYTES - Buffer.byteLength(body) - 1)}}`);
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(runtime(LXCRI, root)(["delete", "--force", "atbound"]).code).toBe(0);
  }, 30_000);

  test("a config.json swapped for a symlink after create read it is never read again", () => {
    // the stored copy is what create read: renaming the bundle's file away changes nothing exec uses
    const lx = runtime(LXCRI, root);
    const b = bundle(["sleep", "60"], confined);
    expect(lx(["create", "--bundle", b, "gone"]).code).toBe(0);
    renameSync(join(b, "config.json"), join(b, "moved.json"));
    symlinkSync("/dev/zero", join(b, "config.json"));
    const { init, exec } = initAndExec("gone");
    expect(exec).toEqual(init);
    expect(lx(["delete", "--force", "gone"]).code).toBe(0);
  }, 60_000);
});
