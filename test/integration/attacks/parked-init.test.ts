// Since issue 23 (round 6) a container without startContainer hooks (and without a seccomp
// filter that loads before the capabilities go) has its process's credentials, capabilities,
// no_new_privs, rlimits and cwd set by init at create, before READY: between create and start
// init waits as the process's user, as runc's init waits on its exec fifo. That user's other
// processes — one exec'd into the created container, or a host process with the same uid when
// there is no user namespace — now match init's uids. What init holds (the channel start copies,
// the terminal master, a procfs fd) must stay out of their reach: init stays undumpable
// (exec_prepare sets it again after the uid change, which resets it to fs.suid_dumpable), so
// /proc/<init>/{fd,environ,maps,mem} and ptrace stay root's (CAP_SYS_PTRACE) alone.
//
// This host runs fs.suid_dumpable=0, where the uid change itself leaves init undumpable: the
// reads below would also be refused without exec_prepare's prctl. What fails on the old code is
// the first check (init waited as root with every capability); the reads guard the window that
// change opened, and fail wherever init became dumpable while parked.
//
// runc 1.1.5: runc init waits on the exec fifo after finalizeNamespace (setgroups, setuid,
// capabilities), undumpable, as the process's user: the same reach for that user's processes.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, runCommand, state, testRoot } from "../../helpers.ts";

const root = testRoot("attack-parked-init");
afterAll(() => cleanupRoot(root));

const USER = 1000;
/** `cmd` on the host as USER, without groups or capabilities. */
const asHostUser = (cmd: string[]) =>
  runCommand(["setpriv", `--reuid=${USER}`, `--regid=${USER}`, "--clear-groups", "--inh-caps=-all", ...cmd]);
const userProcess = (args: string[]) =>
  bundle(args, (s) => {
    s.process!.user = { uid: USER, gid: USER };
    s.process!.capabilities = { bounding: [], effective: [], permitted: [] };
    s.process!.noNewPrivileges = true;
  });

const status = (pid: number, key: string) =>
  readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${key}:`))!
    .split(/\s+/)
    .slice(1)
    .filter(Boolean);

describe.skipIf(!canRunContainers)("attack: init parked as the process's user between create and start", () => {
  test("init waits as the process's user with its capabilities (what runc does), and the same user reaches none of what it holds", () => {
    const b = userProcess(["sh", "-c", "echo started"]);
    expect(lxcri(root, ["create", "--bundle", b, "pk1"]).code).toBe(0);
    const init = state(root, "pk1").pid;
    expect(status(init, "Uid")).toEqual([`${USER}`, `${USER}`, `${USER}`, `${USER}`]);
    expect(status(init, "CapEff")).toEqual(["0000000000000000"]);
    expect(status(init, "NoNewPrivs")).toEqual(["1"]);

    // the container's own: a process of the same user exec'd into the created container
    // (mem: its open is what ptrace rights decide, and a read at offset 0 fails anyway; fd, environ
    // and maps show the same check)
    const probe =
      "ls /proc/1/fd >/dev/null 2>&1 && echo fd:READ || echo fd:refused; for f in environ maps; do cat /proc/1/$f >/dev/null 2>&1 && echo $f:READ || echo $f:refused; done";
    const inside = lxcri(root, ["exec", "--user", `${USER}:${USER}`, "pk1", "sh", "-c", probe]);
    expect(inside.stderr).toBe("");
    expect(inside.stdout.trim().split("\n")).toEqual(["fd:refused", "environ:refused", "maps:refused"]);

    // the host's: a process with the same uid, no capabilities (no user namespace here)
    for (const f of ["fd", "environ", "maps"]) {
      const r = asHostUser(["cat", `/proc/${init}/${f}`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("Permission denied");
    }
    const fds = asHostUser(["ls", `/proc/${init}/fd`]);
    expect(fds.code).not.toBe(0);

    // and start still hands over: the container runs its process
    const started = lxcri(root, ["start", "pk1"]);
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    lxcri(root, ["delete", "--force", "pk1"]);
  });

  test("what init sets at create fails create, with the step named (a cwd that is not there)", () => {
    const b = bundle(["true"], (s) => (s.process!.cwd = "/no/such/dir"));
    const r = lxcri(root, ["create", "--bundle", b, "pk2"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("chdir to process.cwd");
    // the failed create left nothing: runtime dir, lxc.payload/lxc.monitor cgroups, mounts, processes
    expect(leftovers(root, "pk2")).toEqual([]);
    lxcri(root, ["delete", "--force", "pk2"]);
  });
});
