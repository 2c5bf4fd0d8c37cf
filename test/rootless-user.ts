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
  readFileSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import { REPO } from "./helpers.ts";

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
