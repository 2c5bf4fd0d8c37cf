// A real ordinary user for the rootless tests (test/integration/rootless.test.ts,
// test/vm/rootless.test.ts), as a desktop user of podman has it: an account with a home,
// subordinate ids in /etc/subuid and /etc/subgid, a private $XDG_RUNTIME_DIR, and lxcri's
// parts installed where the user can reach them (root's, 0755: the repository may be in a
// directory the user cannot enter). Needs root, useradd, newuidmap (uidmap) and runuser.
import {
  appendFileSync,
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import { makeBundle } from "../scripts/make-bundle.ts";
import { REPO } from "./helpers.ts";
import { busyboxTarball, type Podman } from "./podman.ts";

export const USER = "lxcri-rootless";
/** Subordinate ids away from the attack tests' 100000, where useradd did not add any itself. */
const SUB_START = 400000;

export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  xdg: string;
  /** The first of the user's subordinate uids (/etc/subuid): what a container's uids map to. */
  subUid: number;
  /** lxcri installed for the user (root's, 0755), its helpers beside it. */
  lxcri: string;
  /** Runs `cmd` as the user with a login's environment (and `env`); output through pipes. */
  run(
    cmd: string[],
    opts?: { env?: Record<string, string>; timeout?: number; cwd?: string },
  ): { code: number; stdout: string; stderr: string };
  /** Removes the installed copy (the account stays: useradd is slow and other runs reuse it). */
  cleanup(): void;
}

/** Whether the tools the set-up needs are here. */
export const rootlessToolsMissing = (): string | undefined =>
  ["useradd", "runuser", "newuidmap", "newgidmap"].find((t) => !Bun.which(t) && !existsSync(`/usr/sbin/${t}`));

const idOf = (flag: string) => Number(Bun.spawnSync(["id", flag, USER]).stdout.toString().trim());

function ensureSubIds(file: string): void {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!text.split("\n").some((l) => l.startsWith(`${USER}:`))) appendFileSync(file, `${USER}:${SUB_START}:65536\n`);
}

export function rootlessUser(): RootlessUser {
  if (Bun.spawnSync(["id", USER]).exitCode !== 0) {
    const r = Bun.spawnSync(["useradd", "--create-home", "--shell", "/bin/sh", USER], { stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`useradd ${USER}: ${r.stderr}`);
  }
  ensureSubIds("/etc/subuid");
  ensureSubIds("/etc/subgid");
  const subUid = Number(
    readFileSync("/etc/subuid", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${USER}:`))!
      .split(":")[1],
  );
  const uid = idOf("-u");
  const gid = idOf("-g");
  const home = join("/home", USER);
  const xdg = `/run/user/${uid}`;
  mkdirSync(xdg, { recursive: true, mode: 0o700 });
  chownSync(xdg, uid, gid);
  chmodSync(xdg, 0o700);
  // root's and 0755 up to /tmp (sticky): lxcri's installed-parts rule holds
  const dir = mkdtempSync("/tmp/lxcri-test-rootless-parts-");
  chmodSync(dir, 0o755);
  for (const f of ["lxcri", "lxcri-init", "lxcri-monitor"]) {
    copyFileSync(join(REPO, "build", f), join(dir, f));
    chmodSync(join(dir, f), 0o755);
  }
  const baseEnv = {
    HOME: home,
    USER,
    LOGNAME: USER,
    XDG_RUNTIME_DIR: xdg,
    PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
  };
  return {
    name: USER,
    uid,
    gid,
    home,
    xdg,
    subUid,
    lxcri: join(dir, "lxcri"),
    run(cmd, opts = {}) {
      const env = Object.entries({ ...baseEnv, ...opts.env }).map(([k, v]) => `${k}=${v}`);
      const io = mkdtempSync("/tmp/lxcri-test-rootless-io-");
      const out = openSync(join(io, "out"), "w");
      const err = openSync(join(io, "err"), "w");
      try {
        const p = Bun.spawnSync(["runuser", "-u", USER, "--", "env", "-i", ...env, ...cmd], {
          cwd: opts.cwd ?? home,
          stdin: "ignore",
          stdout: out,
          stderr: err,
          timeout: opts.timeout ?? 120_000,
        });
        return {
          code: p.exitCode ?? 128 + 9,
          stdout: readFileSync(join(io, "out"), "utf8"),
          stderr: readFileSync(join(io, "err"), "utf8"),
        };
      } finally {
        closeSync(out);
        closeSync(err);
        rmSync(io, { recursive: true, force: true });
      }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The user's lxcri state root: $XDG_RUNTIME_DIR/lxcri (runc's rule). */
export const stateRootOf = (u: RootlessUser): string => join(u.xdg, "lxcri");

/** The containers in the user's state root. */
export const containersOf = (u: RootlessUser): string[] => (existsSync(stateRootOf(u)) ? readdirSync(stateRootOf(u)) : []);

/** podman run by the user with `--runtime` the user's lxcri; a call past `timeout` ms counts as killed. */
export const podmanOf =
  (u: RootlessUser, timeout: number): Podman =>
  (args, t = timeout) =>
    u.run(["podman", "--runtime", u.lxcri, ...args], { timeout: t });

/** busybox-static imported as the user's podman image `image` (no registry): podman import's result. */
export function importBusyboxAs(u: RootlessUser, image: string, timeout?: number): ReturnType<RootlessUser["run"]> {
  const tar = busyboxTarball(join(u.home, "rootfs.tar"));
  chownSync(tar, u.uid, u.gid);
  return u.run(["podman", "import", tar, image], { timeout });
}

/** A busybox bundle the user owns, in a fresh directory under /tmp, without config.json (`spec --rootless` writes it). */
export function userBundle(u: RootlessUser): string {
  const b = mkdtempSync("/tmp/lxcri-test-rootless-bundle-");
  makeBundle(b, ["sh"]);
  rmSync(join(b, "config.json"));
  for (const p of [b, join(b, "rootfs")]) chownSync(p, u.uid, u.gid);
  chmodSync(b, 0o755);
  return b;
}

/**
 * What a rootless test file leaves, removed: with `podman`, the user's containers and podman's
 * storage and pause process; the user's state root; the installed copy.
 */
export function removeRootless(u: RootlessUser, podman?: Podman): void {
  if (podman) {
    podman(["rm", "-af", "-t", "0"]);
    u.run(["podman", "system", "reset", "-f"]);
  }
  rmSync(stateRootOf(u), { recursive: true, force: true });
  u.cleanup();
}
